import type { Tensor } from "../tensor";
import { updateInPlace, zerosOf } from "../functional/raw";
import { Optimizer, checkNonNegative, withGradValues, type ParamGroup, type ParamsInput } from "./optimizer";
import { optimizerOptions } from "./optimizerOptions";

export type AdadeltaOptions = {
  lr: number;
  rho: number;
  eps: number;
  weightDecay: number;
  maximize: boolean;
};

const SPEC = { lr: "float", rho: "float", eps: "float", weightDecay: "float", maximize: "bool" };

/** torch.optim.Adadelta: steps scaled by the ratio of running RMS of updates and of gradients. */
export class Adadelta extends Optimizer<AdadeltaOptions> {
  constructor(params: ParamsInput<AdadeltaOptions>, options: Partial<AdadeltaOptions> = {}) {
    const d = optimizerOptions("Adadelta", options, SPEC, { lr: 1.0, rho: 0.9, eps: 1e-6, weightDecay: 0, maximize: false });
    checkNonNegative(d.lr, "learning rate");
    if (!(d.rho >= 0 && d.rho <= 1)) throw new Error(`Invalid rho value: ${d.rho}`);
    checkNonNegative(d.eps, "epsilon value");
    checkNonNegative(d.weightDecay, "weight_decay value");
    super(params, d);
  }

  protected updateGroup(group: ParamGroup<AdadeltaOptions>): void {
    const { lr, rho, eps, weightDecay, maximize } = group;
    for (const [p, g] of withGradValues(group.params)) {
      const state = this.stateOf(p);
      if (state.step === undefined) {
        state.step = 0;
        state.squareAvg = zerosOf(p.shape, p.dtype);
        state.accDelta = zerosOf(p.shape, p.dtype);
      }
      state.step = (state.step as number) + 1;
      const sq = (state.squareAvg as Tensor).storage.data, acc = (state.accDelta as Tensor).storage.data;
      updateInPlace(p, (d, o, n) => {
        for (let i = 0; i < n; i++) {
          let gi = maximize ? -g[i] : g[i];
          if (weightDecay !== 0) gi += weightDecay * d[o + i];
          sq[i] = sq[i] * rho + (1 - rho) * gi * gi;
          const delta = (Math.sqrt(acc[i] + eps) / Math.sqrt(sq[i] + eps)) * gi;
          acc[i] = acc[i] * rho + (1 - rho) * delta * delta;
          d[o + i] -= lr * delta;
        }
      });
    }
  }
}
