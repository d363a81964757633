import { checkKeys } from "../options";
import type { Tensor } from "../tensor";
import type { FloatArray } from "../kernels/matmulRef";
import { sgdUpdate } from "../kernels/optim";
import { updateInPlace, zerosOf } from "../functional/raw";
import { Optimizer, checkNonNegative, withGradValues, type ParamGroup, type ParamsInput } from "./optimizer";

export interface SGDOptions {
  lr: number;
  momentum: number;
  dampening: number;
  weightDecay: number;
  nesterov: boolean;
  maximize: boolean;
}

/** torch.optim.SGD (PyTorch's formulation: the first momentum buffer is the gradient itself). */
export class SGD extends Optimizer<SGDOptions> {
  constructor(params: ParamsInput<SGDOptions>, options: Partial<SGDOptions> = {}) {
    checkKeys("SGD", options, ["lr", "momentum", "dampening", "weightDecay", "nesterov", "maximize", "foreach", "differentiable"]);
    const defaults: SGDOptions = {
      lr: options.lr ?? 1e-3, momentum: options.momentum ?? 0, dampening: options.dampening ?? 0,
      weightDecay: options.weightDecay ?? 0, nesterov: options.nesterov ?? false, maximize: options.maximize ?? false,
    };
    checkNonNegative(defaults.lr, "learning rate");
    checkNonNegative(defaults.momentum, "momentum value");
    checkNonNegative(defaults.weightDecay, "weight_decay value");
    if (defaults.nesterov && (defaults.momentum <= 0 || defaults.dampening !== 0)) {
      throw new Error("Nesterov momentum requires a momentum and zero dampening");
    }
    super(params, defaults);
  }

  protected updateGroup(group: ParamGroup<SGDOptions>): void {
    const { lr, momentum, dampening, weightDecay, nesterov, maximize } = group;
    for (const [p, g] of withGradValues(group.params)) {
      const state = this.stateOf(p);
      let buf = state.momentumBuffer as Tensor | undefined;
      const first = buf === undefined;
      if (momentum !== 0 && buf === undefined) {
        buf = zerosOf(p.shape, p.dtype);
        state.momentumBuffer = buf;
      }
      const b = momentum !== 0 ? (buf!.storage.data as FloatArray) : null;
      const hyper = { lr, weightDecay, momentum, dampening, nesterov, maximize, first };
      updateInPlace(p, (d, o, n) => sgdUpdate(d as FloatArray, o, g, b, n, hyper));
      if (buf) buf._versionCounter.version++;
    }
  }
}
