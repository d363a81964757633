import type { Tensor } from "../tensor";
import { updateInPlace, zerosOf } from "../functional/raw";
import { Optimizer, checkNonNegative, withGradValues, type ParamGroup, type ParamsInput } from "./optimizer";
import { checkAdamLike, optimizerOptions } from "./optimizerOptions";

export type NAdamOptions = {
  lr: number;
  betas: [number, number];
  eps: number;
  weightDecay: number;
  momentumDecay: number;
  /** PyTorch 2.x (not in 1.13): AdamW-style decay of the parameter itself */
  decoupledWeightDecay: boolean;
  /** PyTorch 2.x (not in 1.13) */
  maximize: boolean;
};

const SPEC = { lr: "float", betas: "tuple", eps: "float", weightDecay: "float", momentumDecay: "float", decoupledWeightDecay: "bool", maximize: "bool" };

/** torch.optim.NAdam: Adam with Nesterov momentum and the momentum-decay schedule of Dozat. */
export class NAdam extends Optimizer<NAdamOptions> {
  constructor(params: ParamsInput<NAdamOptions>, options: Partial<NAdamOptions> = {}) {
    const d = optimizerOptions<NAdamOptions>("NAdam", options, SPEC, {
      lr: 2e-3, betas: [0.9, 0.999], eps: 1e-8, weightDecay: 0, momentumDecay: 4e-3, decoupledWeightDecay: false, maximize: false,
    });
    checkAdamLike(d);
    checkNonNegative(d.momentumDecay, "momentum_decay value");
    super(params, d);
  }

  protected updateGroup(group: ParamGroup<NAdamOptions>): void {
    const { lr, betas: [beta1, beta2], eps, weightDecay, momentumDecay, decoupledWeightDecay, maximize } = group;
    for (const [p, g] of withGradValues(group.params)) {
      const state = this.stateOf(p);
      if (state.step === undefined) {
        state.step = 0;
        state.muProduct = 1;
        state.expAvg = zerosOf(p.shape, p.dtype);
        state.expAvgSq = zerosOf(p.shape, p.dtype);
      }
      const step = (state.step as number) + 1;
      state.step = step;
      const bc2 = 1 - Math.pow(beta2, step);
      const mu = beta1 * (1 - 0.5 * Math.pow(0.96, step * momentumDecay));
      const muNext = beta1 * (1 - 0.5 * Math.pow(0.96, (step + 1) * momentumDecay));
      const muProduct = (state.muProduct as number) * mu;
      state.muProduct = muProduct;
      const gradScale = (lr * (1 - mu)) / (1 - muProduct), avgScale = (lr * muNext) / (1 - muProduct * muNext);
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
          const denom = Math.sqrt(v[i] / bc2) + eps;
          d[o + i] -= (gradScale * gi) / denom;
          d[o + i] -= (avgScale * m[i]) / denom;
        }
      });
    }
  }
}
