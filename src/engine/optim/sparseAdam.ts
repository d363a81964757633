import { Optimizer, type ParamGroup, type ParamsInput } from "./optimizer";
import { optimizerOptions } from "./optimizerOptions";

export type SparseAdamOptions = {
  lr: number;
  betas: [number, number];
  eps: number;
  maximize: boolean;
};

const SPEC = { lr: "float", betas: "tuple", eps: "float", maximize: "bool" };

/**
 * torch.optim.SparseAdam. The engine has no sparse gradients (an Embedding's gradient is dense), and
 * PyTorch's SparseAdam raises for dense ones: so, as in PyTorch, step() raises for every parameter
 * that has a gradient. Use optim.Adam (or AdamW) for dense gradients.
 */
export class SparseAdam extends Optimizer<SparseAdamOptions> {
  constructor(params: ParamsInput<SparseAdamOptions>, options: Partial<SparseAdamOptions> = {}) {
    const d = optimizerOptions<SparseAdamOptions>("SparseAdam", options, SPEC, { lr: 1e-3, betas: [0.9, 0.999], eps: 1e-8, maximize: false });
    // PyTorch's checks, in its order and wording (strictly positive lr and eps)
    if (!(d.lr > 0)) throw new Error(`Invalid learning rate: ${d.lr}`);
    if (!(d.eps > 0)) throw new Error(`Invalid epsilon value: ${d.eps}`);
    d.betas.forEach((b, i) => {
      if (!(b >= 0 && b < 1)) throw new Error(`Invalid beta parameter at index ${i}: ${b}`);
    });
    super(params, d);
  }

  protected updateGroup(group: ParamGroup<SparseAdamOptions>): void {
    for (const p of group.params) {
      if (p.grad !== null) throw new Error("SparseAdam does not support dense gradients, please consider Adam instead");
    }
  }
}
