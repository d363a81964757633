import type { Tensor } from "../tensor";
import { updateInPlace, zerosOf } from "../functional/raw";
import { Optimizer, withGradValues, type ParamGroup, type ParamsInput } from "./optimizer";
import { checkAdamLike, optimizerOptions } from "./optimizerOptions";

export type AdamaxOptions = {
  lr: number;
  betas: [number, number];
  eps: number;
  weightDecay: number;
  maximize: boolean;
};

const SPEC = { lr: "float", betas: "tuple", eps: "float", weightDecay: "float", maximize: "bool" };

/** torch.optim.Adamax: Adam with the infinity norm in place of the second moment. */
export class Adamax extends Optimizer<AdamaxOptions> {
  constructor(params: ParamsInput<AdamaxOptions>, options: Partial<AdamaxOptions> = {}) {
    const d = optimizerOptions<AdamaxOptions>("Adamax", options, SPEC, { lr: 2e-3, betas: [0.9, 0.999], eps: 1e-8, weightDecay: 0, maximize: false });
    checkAdamLike(d);
    super(params, d);
  }

  protected updateGroup(group: ParamGroup<AdamaxOptions>): void {
    const { lr, betas: [beta1, beta2], eps, weightDecay, maximize } = group;
    for (const [p, g] of withGradValues(group.params)) {
      const state = this.stateOf(p);
      if (state.step === undefined) {
        state.step = 0;
        state.expAvg = zerosOf(p.shape, p.dtype);
        state.expInf = zerosOf(p.shape, p.dtype);
      }
      const step = (state.step as number) + 1;
      state.step = step;
      const m = (state.expAvg as Tensor).storage.data, u = (state.expInf as Tensor).storage.data;
      const clr = lr / (1 - Math.pow(beta1, step));
      updateInPlace(p, (d, o, n) => {
        for (let i = 0; i < n; i++) {
          let gi = maximize ? -g[i] : g[i];
          if (weightDecay !== 0) gi += weightDecay * d[o + i];
          m[i] += (gi - m[i]) * (1 - beta1);
          u[i] = Math.max(u[i] * beta2, Math.abs(gi) + eps);
          d[o + i] -= (clr * m[i]) / u[i];
        }
      });
    }
  }
}
