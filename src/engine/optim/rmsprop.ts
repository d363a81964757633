import { checkKeys } from "../options";
import type { Tensor } from "../tensor";
import { updateInPlace, zerosOf } from "../functional/raw";
import type { FloatArray } from "../kernels/matmulRef";
import { rmspropUpdate } from "../kernels/optim";
import { Optimizer, checkNonNegative, withGradValues, type ParamGroup, type ParamsInput } from "./optimizer";

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
    for (const [p, g] of withGradValues(group.params)) {
      const state = this.stateOf(p);
      if (state.step === undefined) {
        state.step = 0;
        state.squareAvg = zerosOf(p.shape, p.dtype);
        if (momentum > 0) state.momentumBuffer = zerosOf(p.shape, p.dtype);
        if (centered) state.gradAvg = zerosOf(p.shape, p.dtype);
      }
      state.step = (state.step as number) + 1;
      const sq = (state.squareAvg as Tensor).storage.data as FloatArray;
      const buf = momentum > 0 ? ((state.momentumBuffer as Tensor).storage.data as FloatArray) : null;
      const ga = centered ? ((state.gradAvg as Tensor).storage.data as FloatArray) : null;
      const hyper = { lr, alpha, eps, weightDecay, momentum, centered, maximize };
      updateInPlace(p, (d, o, n) => rmspropUpdate(d as FloatArray, o, g, sq, buf, ga, n, hyper));
    }
  }
}
