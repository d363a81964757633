import type { Tensor } from "../tensor";
import { noGrad } from "../gradMode";
import { grad } from "./grad";

// torch.autograd.gradcheck: analytical gradients (one grad() per output element) against float64
// central differences. Raises on a mismatch (raiseException, the default) or returns false.

export interface GradcheckOptions { eps?: number; atol?: number; rtol?: number; raiseException?: boolean }

export function gradcheck(fn: (...inputs: Tensor[]) => Tensor, inputs: Tensor[], options: GradcheckOptions = {}): boolean {
  const { eps = 1e-6, atol = 1e-5, rtol = 1e-3, raiseException = true } = options;
  const diff = inputs.filter((t) => t.requiresGrad);
  for (const t of diff) {
    if (t.dtype !== "float64") {
      console.warn("Input #0 requires gradient and is not a double precision floating point. This check will likely fail if all the inputs are not of double precision floating point.");
    }
  }
  const values = () => Array.from(noGrad(() => fn(...inputs)).dataSync());
  const rows = values().length;
  for (const t of diff) {
    const data = t.storage.data;
    for (let j = 0; j < t.numel(); j++) {
      const at = t.offset + j, orig = data[at];
      data[at] = orig + eps;
      const plus = values();
      data[at] = orig - eps;
      const minus = values();
      data[at] = orig;
      for (let i = 0; i < rows; i++) {
        const numerical = (plus[i] - minus[i]) / (2 * eps);
        const out = fn(...inputs).reshape(-1);
        const seed = out.detach().mul(0);
        seed.storage.data[seed.offset + i] = 1;
        const g = grad([out], [t], { gradOutputs: [seed], allowUnused: true })[0];
        const analytical = g === null ? 0 : g.dataSync()[j];
        if (!(Math.abs(analytical - numerical) <= atol + rtol * Math.abs(numerical))) {
          if (!raiseException) return false;
          throw new Error(`Jacobian mismatch for output 0 with respect to input ${inputs.indexOf(t)},\nnumerical:${numerical}\nanalytical:${analytical}`);
        }
      }
    }
  }
  return true;
}
