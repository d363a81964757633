import type { Tensor } from "../tensor";
import { updateInPlace, zerosOf } from "../functional/raw";
import { Optimizer, checkNonNegative, withGradValues, type ParamGroup, type ParamsInput } from "./optimizer";
import { optimizerOptions } from "./optimizerOptions";

export type AdagradOptions = {
  lr: number;
  lrDecay: number;
  weightDecay: number;
  initialAccumulatorValue: number;
  eps: number;
  maximize: boolean;
};

const SPEC = { lr: "float", lrDecay: "float", weightDecay: "float", initialAccumulatorValue: "float", eps: "float", maximize: "bool" };

/** torch.optim.Adagrad: per-element lr scaled by the root of the summed squared gradients. */
export class Adagrad extends Optimizer<AdagradOptions> {
  constructor(params: ParamsInput<AdagradOptions>, options: Partial<AdagradOptions> = {}) {
    const d = optimizerOptions("Adagrad", options, SPEC, { lr: 1e-2, lrDecay: 0, weightDecay: 0, initialAccumulatorValue: 0, eps: 1e-10, maximize: false });
    checkNonNegative(d.lr, "learning rate");
    checkNonNegative(d.lrDecay, "lr_decay value");
    checkNonNegative(d.weightDecay, "weight_decay value");
    checkNonNegative(d.initialAccumulatorValue, "initial_accumulator_value value");
    checkNonNegative(d.eps, "epsilon value");
    super(params, d);
    // PyTorch creates the state (step 0, the filled sum) in the constructor, so a state dict has it at once
    for (const g of this.paramGroups) {
      for (const p of g.params) {
        const s = this.stateOf(p);
        s.step = 0;
        s.sum = zerosOf(p.shape, p.dtype);
        (s.sum as Tensor).storage.data.fill(g.initialAccumulatorValue);
      }
    }
  }

  protected updateGroup(group: ParamGroup<AdagradOptions>): void {
    const { lr, lrDecay, weightDecay, eps, maximize } = group;
    for (const [p, g] of withGradValues(group.params)) {
      const state = this.stateOf(p);
      if (state.sum === undefined) {
        state.step = 0;
        state.sum = zerosOf(p.shape, p.dtype);
        (state.sum as Tensor).storage.data.fill(group.initialAccumulatorValue);
      }
      const step = (state.step as number) + 1;
      state.step = step;
      const sum = (state.sum as Tensor).storage.data;
      const clr = lr / (1 + (step - 1) * lrDecay);
      updateInPlace(p, (d, o, n) => {
        for (let i = 0; i < n; i++) {
          let gi = maximize ? -g[i] : g[i];
          if (weightDecay !== 0) gi += weightDecay * d[o + i];
          sum[i] += gi * gi;
          d[o + i] -= (clr * gi) / (Math.sqrt(sum[i]) + eps);
        }
      });
      (state.sum as Tensor)._versionCounter.version++;
    }
  }
}
