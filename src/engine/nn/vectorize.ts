import type { Tensor } from "../tensor";
import { cat } from "../ops/indexing";
import { noGrad } from "../gradMode";
import { writeValues, valuesOf } from "../functional/raw";

// nn.utils.parameters_to_vector / vector_to_parameters.

/** One flat tensor of all parameters (differentiable with respect to them, as in PyTorch). */
export function parametersToVector(parameters: Iterable<Tensor>): Tensor {
  return cat([...parameters].map((p) => p.reshape([-1])), 0);
}

/** Copies consecutive slices of `vec` into the parameters' data (no graph). */
export function vectorToParameters(vec: Tensor, parameters: Iterable<Tensor>): void {
  if (vec.dim() !== 1) throw new TypeError(`expected torch.Tensor, but got: ${vec.dim()}-D tensor`);
  const data = valuesOf(vec);
  let at = 0;
  noGrad(() => {
    for (const p of parameters) {
      const n = p.numel();
      writeValues(p, data.subarray(at, at + n));
      at += n;
    }
  });
}
