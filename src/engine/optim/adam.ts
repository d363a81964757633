import { checkKeys } from "../options";
import type { Tensor } from "../tensor";
import { updateInPlace, zerosOf } from "../functional/raw";
import type { FloatArray } from "../kernels/matmulRef";
import { adamUpdate } from "../kernels/optim";
import { Optimizer, checkNonNegative, withGradValues, type ParamGroup, type ParamsInput } from "./optimizer";

export interface AdamOptions {
  lr: number;
  betas: [number, number];
  eps: number;
  weightDecay: number;
  amsgrad: boolean;
  maximize: boolean;
}

function adamDefaults(options: Partial<AdamOptions>, weightDecay: number): AdamOptions {
  checkKeys(weightDecay === 0 ? "Adam" : "AdamW", options, ["lr", "betas", "eps", "weightDecay", "amsgrad", "maximize", "foreach", "capturable", "differentiable", "fused"]);
  const d: AdamOptions = {
    lr: options.lr ?? 1e-3, betas: options.betas ?? [0.9, 0.999], eps: options.eps ?? 1e-8,
    weightDecay: options.weightDecay ?? weightDecay, amsgrad: options.amsgrad ?? false, maximize: options.maximize ?? false,
  };
  checkNonNegative(d.lr, "learning rate");
  checkNonNegative(d.eps, "epsilon value");
  d.betas.forEach((b, i) => {
    if (!(b >= 0 && b < 1)) throw new Error(`Invalid beta parameter at index ${i}: ${b}`);
  });
  checkNonNegative(d.weightDecay, "weight_decay value");
  return d;
}

/** Adam; with `decoupled` the weight decay shrinks the parameter directly (AdamW). */
function adamStep(opt: Adam | AdamW, group: ParamGroup<AdamOptions>, decoupled: boolean): void {
  const { lr, betas: [beta1, beta2], eps, weightDecay, amsgrad, maximize } = group;
  for (const [p, g] of withGradValues(group.params)) {
    const state = opt.paramState(p);
    if (state.step === undefined) {
      state.step = 0;
      state.expAvg = zerosOf(p.shape, p.dtype);
      state.expAvgSq = zerosOf(p.shape, p.dtype);
      if (amsgrad) state.maxExpAvgSq = zerosOf(p.shape, p.dtype);
    }
    const step = (state.step as number) + 1;
    state.step = step;
    const m = (state.expAvg as Tensor).storage.data as FloatArray, v = (state.expAvgSq as Tensor).storage.data as FloatArray;
    const vmax = amsgrad ? ((state.maxExpAvgSq as Tensor).storage.data as FloatArray) : null;
    const bc2Sqrt = Math.sqrt(1 - Math.pow(beta2, step));
    const stepSize = lr / (1 - Math.pow(beta1, step));
    const hyper = { lr, beta1, beta2, eps, weightDecay, stepSize, bc2Sqrt, decoupled, maximize, amsgrad };
    updateInPlace(p, (d, o, n) => adamUpdate(d as FloatArray, o, g, m, v, vmax, n, hyper));
  }
}

export class Adam extends Optimizer<AdamOptions> {
  constructor(params: ParamsInput<AdamOptions>, options: Partial<AdamOptions> = {}) {
    super(params, adamDefaults(options, 0));
  }

  /** @internal */
  paramState(p: Tensor) {
    return this.stateOf(p);
  }

  protected updateGroup(group: ParamGroup<AdamOptions>): void {
    adamStep(this, group, false);
  }
}

export class AdamW extends Optimizer<AdamOptions> {
  constructor(params: ParamsInput<AdamOptions>, options: Partial<AdamOptions> = {}) {
    super(params, adamDefaults(options, 1e-2));
  }

  /** @internal */
  paramState(p: Tensor) {
    return this.stateOf(p);
  }

  protected updateGroup(group: ParamGroup<AdamOptions>): void {
    adamStep(this, group, true);
  }
}
