import { Tensor } from "../tensor";
import { allocate } from "../dtype";
import { makeTensor } from "../ops/kernel";
import { updateInPlace, valuesOf } from "./raw";

// Gradient clipping (torch.nn.utils.clip_grad_norm_ / clip_grad_value_): in place on `.grad`, no graph.

function gradsOf(parameters: Iterable<Tensor> | Tensor): Tensor[] {
  const params = parameters instanceof Tensor ? [parameters] : [...parameters];
  // read and scaled here only, never handed out: `.grad` would keep zeroGrad from reusing the memory
  return params.map((p) => p._peekGrad()).filter((g): g is Tensor => g !== null);
}

/** Scales all gradients so their joint norm is at most maxNorm; returns the norm before clipping. */
export function clipGradNorm_(
  parameters: Iterable<Tensor> | Tensor, maxNorm: number, normType = 2, errorIfNonfinite = false,
): Tensor {
  const grads = gradsOf(parameters);
  const dtype = grads.length > 0 && grads[0].dtype === "float64" ? "float64" : "float32";
  const result = (v: number) => makeTensor(allocate(dtype, 1).fill(v), [], dtype);
  if (grads.length === 0) return result(0);
  let total: number;
  if (normType === Infinity) {
    total = 0;
    for (const g of grads) for (const v of valuesOf(g)) total = Math.max(total, Math.abs(v));
  } else {
    let acc = 0;
    for (const g of grads) {
      let own = 0;
      for (const v of valuesOf(g)) own += Math.pow(Math.abs(v), normType);
      acc += Math.pow(Math.pow(own, 1 / normType), normType);
    }
    total = Math.pow(acc, 1 / normType);
  }
  if (errorIfNonfinite && !Number.isFinite(total)) {
    throw new Error(
      `The total norm of order ${normType} for gradients from \`parameters\` is non-finite, so it cannot be clipped. To disable this error and scale the gradients by the non-finite norm anyway, set \`error_if_nonfinite=False\``,
    );
  }
  const coef = Math.min(maxNorm / (total + 1e-6), 1);
  for (const g of grads) {
    updateInPlace(g, (d, o, n) => {
      for (let i = 0; i < n; i++) d[o + i] *= coef;
    });
  }
  return result(total);
}

/** Clamps every gradient element into [−clipValue, clipValue]. */
export function clipGradValue_(parameters: Iterable<Tensor> | Tensor, clipValue: number): void {
  for (const g of gradsOf(parameters)) {
    updateInPlace(g, (d, o, n) => {
      for (let i = 0; i < n; i++) d[o + i] = Math.min(Math.max(d[o + i], -clipValue), clipValue);
    });
  }
}
