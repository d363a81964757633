import type { Tensor } from "../tensor";
import { updateInPlace, zerosOf } from "../functional/raw";
import { Optimizer, withGradValues, type ParamGroup, type ParamsInput } from "./optimizer";
import { checkAdamLike, optimizerOptions } from "./optimizerOptions";

export type RAdamOptions = {
  lr: number;
  betas: [number, number];
  eps: number;
  weightDecay: number;
  /** PyTorch 2.x (not in 1.13): AdamW-style decay of the parameter itself */
  decoupledWeightDecay: boolean;
  /** PyTorch 2.x (not in 1.13) */
  maximize: boolean;
};

const SPEC = { lr: "float", betas: "tuple", eps: "float", weightDecay: "float", decoupledWeightDecay: "bool", maximize: "bool" };

/** torch.optim.RAdam: Adam whose adaptive term is switched on once its variance is tractable (rho_t > 5). */
export class RAdam extends Optimizer<RAdamOptions> {
  constructor(params: ParamsInput<RAdamOptions>, options: Partial<RAdamOptions> = {}) {
    const d = optimizerOptions<RAdamOptions>("RAdam", options, SPEC, { lr: 1e-3, betas: [0.9, 0.999], eps: 1e-8, weightDecay: 0, decoupledWeightDecay: false, maximize: false });
    checkAdamLike(d);
    super(params, d);
  }

  protected updateGroup(group: ParamGroup<RAdamOptions>): void {
    const { lr, betas: [beta1, beta2], eps, weightDecay, decoupledWeightDecay, maximize } = group;
    for (const [p, g] of withGradValues(group.params)) {
      const state = this.stateOf(p);
      if (state.step === undefined) {
        state.step = 0;
        state.expAvg = zerosOf(p.shape, p.dtype);
        state.expAvgSq = zerosOf(p.shape, p.dtype);
      }
      const step = (state.step as number) + 1;
      state.step = step;
      const bc1 = 1 - Math.pow(beta1, step), bc2 = 1 - Math.pow(beta2, step);
      const rhoInf = 2 / (1 - beta2) - 1;
      const rhoT = rhoInf - (2 * step * Math.pow(beta2, step)) / bc2;
      const rect = rhoT > 5 ? Math.sqrt(((rhoT - 4) * (rhoT - 2) * rhoInf) / ((rhoInf - 4) * (rhoInf - 2) * rhoT)) : 0;
      const m = (state.expAvg as Tensor).storage.data, v = (state.expAvgSq as Tensor).storage.data;
      updateInPlace(p, (d, o, n) => {
        for (let i = 0; i < n; i++) {
          let gi = maximize ? -g[i] : g[i];
          if (weightDecay !== 0) {
            if (decoupledWeightDecay) d[o + i] *= 1 - lr * weightDecay;
            else gi += weightDecay * d[o + i];
          }
          m[i] += (gi - m[i]) * (1 - beta1);
          v[i] = v[i] * beta2 + (1 - beta2) * gi * gi;
          const corrected = m[i] / bc1;
          if (rhoT > 5) d[o + i] -= corrected * lr * (Math.sqrt(bc2) / (Math.sqrt(v[i]) + eps)) * rect;
          else d[o + i] -= corrected * lr;
        }
      });
    }
  }
}
