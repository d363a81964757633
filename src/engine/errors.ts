// PyTorch's error texts, so a PyTorch user recognises them (first sentence word for word).

export const BACKWARD_TWICE =
  "Trying to backward through the graph a second time (or directly access saved tensors after they have already been freed). " +
  "Saved intermediate values of the graph are freed when you call .backward() or autograd.grad(). " +
  "Specify retain_graph=True if you need to backward through the graph a second time or if you need to access saved tensors after calling backward.";

export const NO_GRAD_FN = "element 0 of tensors does not require grad and does not have a grad_fn";

export const IMPLICIT_SCALAR = "grad can be implicitly created only for scalar outputs";

export const NON_LEAF_REQUIRES_GRAD =
  "you can only change requires_grad flags of leaf variables. If you want to use a computed variable in a subgraph " +
  "that doesn't require differentiation use var_no_grad = var.detach().";

export const NON_LEAF_REQUIRES_GRAD_SHORT = "you can only change requires_grad flags of leaf variables.";

export const LEAF_INPLACE = "a leaf Variable that requires grad is being used in an in-place operation.";

export const VIEW_OF_LEAF_INPLACE = "a view of a leaf Variable that requires grad is being used in an in-place operation.";

export const ONCE_DIFFERENTIABLE = "trying to differentiate twice a function that was marked with @once_differentiable";

export const INT_REQUIRES_GRAD = "only Tensors of floating point and complex dtype can require gradients";

export function inplaceModified(typeName: string, shape: string, producer: string | null, version: number, expected: number): string {
  const of = producer === null ? "" : `, which is output 0 of ${producer},`;
  return (
    `one of the variables needed for gradient computation has been modified by an inplace operation: ` +
    `[${typeName} ${shape}]${of} is at version ${version}; expected version ${expected} instead. ` +
    `Hint: enable anomaly detection to find the operation that failed to compute its gradient, with torch.autograd.set_detect_anomaly(True).`
  );
}
