import { checkKeys } from "../options";
import type { Tensor } from "../tensor";
import { updateInPlace, valuesOf, zerosOf } from "../functional/raw";
import { Optimizer, checkNonNegative, type ParamGroup, type ParamsInput } from "./optimizer";

export interface RMSpropOptions {
  lr: number;
  alpha: number;
  eps: number;
  weightDecay: number;
  momentum: number;
  centered: boolean;
  maximize: boolean;
}

export class RMSprop extends Optimizer<RMSpropOptions> {
  constructor(params: ParamsInput<RMSpropOptions>, options: Partial<RMSpropOptions> = {}) {
    checkKeys("RMSprop", options, ["lr", "alpha", "eps", "weightDecay", "momentum", "centered", "maximize", "foreach", "differentiable"]);
    const d: RMSpropOptions = {
      lr: options.lr ?? 1e-2, alpha: options.alpha ?? 0.99, eps: options.eps ?? 1e-8, weightDecay: options.weightDecay ?? 0,
      momentum: options.momentum ?? 0, centered: options.centered ?? false, maximize: options.maximize ?? false,
    };
    checkNonNegative(d.lr, "learning rate");
    checkNonNegative(d.eps, "epsilon value");
    checkNonNegative(d.momentum, "momentum value");
    checkNonNegative(d.weightDecay, "weight_decay value");
    checkNonNegative(d.alpha, "alpha value");
    super(params, d);
  }

  protected updateGroup(group: ParamGroup<RMSpropOptions>): void {
    const { lr, alpha, eps, weightDecay, momentum, centered, maximize } = group;
    for (const p of group.params) {
      if (p.grad === null) continue;
      const g = valuesOf(p.grad);
      const state = this.stateOf(p);
      if (state.step === undefined) {
        state.step = 0;
        state.squareAvg = zerosOf(p.shape, p.dtype);
        if (momentum > 0) state.momentumBuffer = zerosOf(p.shape, p.dtype);
        if (centered) state.gradAvg = zerosOf(p.shape, p.dtype);
      }
      state.step = (state.step as number) + 1;
      const sq = (state.squareAvg as Tensor).storage.data;
      const buf = momentum > 0 ? (state.momentumBuffer as Tensor).storage.data : null;
      const ga = centered ? (state.gradAvg as Tensor).storage.data : null;
      updateInPlace(p, (d, o, n) => {
        for (let i = 0; i < n; i++) {
          let gi = maximize ? -g[i] : g[i];
          if (weightDecay !== 0) gi += weightDecay * d[o + i];
          sq[i] = sq[i] * alpha + (1 - alpha) * gi * gi;
          let avg: number;
          if (ga !== null) {
            ga[i] += (gi - ga[i]) * (1 - alpha);
            avg = Math.sqrt(sq[i] - ga[i] * ga[i]) + eps;
          } else {
            avg = Math.sqrt(sq[i]) + eps;
          }
          if (buf !== null) {
            buf[i] = buf[i] * momentum + gi / avg;
            d[o + i] -= lr * buf[i];
          } else {
            d[o + i] -= (lr * gi) / avg;
          }
        }
      });
    }
  }
}
