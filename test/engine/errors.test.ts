import { describe, expect, it } from "vitest";
import { tensor, zeros, ones, cat, noGrad, mm } from "gradlens";

// Every user-facing error carries PyTorch's wording (the texts below are what torch prints), so a
// PyTorch user recognises it; shape errors add the op and both shapes.

const HINT =
  "Hint: enable anomaly detection to find the operation that failed to compute its gradient, with torch.autograd.set_detect_anomaly(True).";

describe("backward through a freed graph", () => {
  const message =
    "Trying to backward through the graph a second time (or directly access saved tensors after they have already been freed). " +
    "Saved intermediate values of the graph are freed when you call .backward() or autograd.grad(). " +
    "Specify retain_graph=True if you need to backward through the graph a second time or if you need to access saved tensors after calling backward.";

  it("x.mul(x).sum() cannot be backpropagated twice: mul saved its inputs", () => {
    const x = tensor([1, 2], { requiresGrad: true });
    const y = x.mul(x).sum();
    y.backward();
    expect(() => y.backward()).toThrow(message);
  });

  it("x.add(1).sum() can be backpropagated twice: nothing was saved, grads accumulate", () => {
    const x = tensor([1, 2], { requiresGrad: true });
    const y = x.add(1).sum();
    y.backward();
    y.backward();
    expect(x.grad!.tolist()).toEqual([2, 2]);
  });

  it("retainGraph keeps saved tensors for a second backward", () => {
    const x = tensor([1, 2], { requiresGrad: true });
    const y = x.mul(x).sum();
    y.backward({ retainGraph: true });
    y.backward();
    expect(x.grad!.tolist()).toEqual([4, 8]);
  });
});

describe("backward preconditions", () => {
  it("a tensor without grad", () => {
    expect(() => tensor([1, 2]).sum().backward()).toThrow(/^element 0 of tensors does not require grad and does not have a grad_fn$/);
  });
  it("implicit gradient of a non-scalar", () => {
    const x = tensor([1, 2], { requiresGrad: true });
    expect(() => x.mul(2).backward()).toThrow(/^grad can be implicitly created only for scalar outputs$/);
  });
  it("a gradient of the wrong shape", () => {
    const x = tensor([1, 2], { requiresGrad: true });
    expect(() => x.mul(2).backward(ones(3))).toThrow(
      "Mismatch in shape: grad_output[0] has a shape of torch.Size([3]) and output[0] has a shape of torch.Size([2]).",
    );
  });
});

describe("requiresGrad", () => {
  it("false on a non-leaf throws; requiresGrad_(true) on a non-leaf is allowed (a no-op)", () => {
    const y = tensor([1, 2], { requiresGrad: true }).mul(2);
    expect(() => {
      y.requiresGrad = false;
    }).toThrow(
      "you can only change requires_grad flags of leaf variables. If you want to use a computed variable in a subgraph that doesn't require differentiation use var_no_grad = var.detach().",
    );
    expect(() => y.requiresGrad_(false)).toThrow(/^you can only change requires_grad flags of leaf variables\. If you want/);
    expect(y.requiresGrad_(true)).toBe(y);
    expect(y.requiresGrad_()).toBe(y);
    expect(y.requiresGrad).toBe(true);
  });
  it("assigning true to a non-leaf's property throws the short form, as PyTorch does", () => {
    const y = tensor([1, 2], { requiresGrad: true }).mul(2);
    expect(() => {
      y.requiresGrad = true;
    }).toThrow(/^you can only change requires_grad flags of leaf variables\.$/);
  });
  it("integer and bool tensors cannot require grad", () => {
    const message = "only Tensors of floating point and complex dtype can require gradients";
    expect(() => tensor([1, 2], { dtype: "int64" }).requiresGrad_()).toThrow(message);
    expect(() => tensor([1, 2], { dtype: "int64", requiresGrad: true })).toThrow(message);
    expect(() => {
      tensor([true]).requiresGrad = true;
    }).toThrow(message);
    expect(tensor([1, 2], { dtype: "int64" }).requiresGrad_(false).requiresGrad).toBe(false);
  });
  it("retainGrad and registerHook need a tensor that requires grad", () => {
    expect(() => tensor([1]).retainGrad()).toThrow("can't retain_grad on Tensor that has requires_grad=False");
    expect(() => tensor([1]).registerHook((g) => g)).toThrow("cannot register a hook on a tensor that doesn't require gradient");
  });
});

describe("in-place operations", () => {
  it("on a leaf that requires grad", () => {
    const w = tensor([1, 2], { requiresGrad: true });
    expect(() => w.add_(1)).toThrow(/^a leaf Variable that requires grad is being used in an in-place operation\.$/);
    expect(() => w.zero_()).toThrow("a leaf Variable that requires grad is being used in an in-place operation.");
    expect(w.tolist()).toEqual([1, 2]);
  });
  it("on a view of such a leaf", () => {
    const w = tensor([1, 2], { requiresGrad: true });
    expect(() => w.select(0, 0).mul_(2)).toThrow("a view of a leaf Variable that requires grad is being used in an in-place operation.");
  });
  it("allowed under noGrad (how optimizers update parameters), and on a detached alias", () => {
    const w = tensor([1, 2], { requiresGrad: true });
    noGrad(() => w.sub_(tensor([0.5, 0.5])));
    expect(w.tolist()).toEqual([0.5, 1.5]);
    expect(w.isLeaf && w.requiresGrad).toBe(true);
    w.detach().zero_();
    expect(w.tolist()).toEqual([0, 0]);
  });

  it("a saved output modified in place (exp saves its result)", () => {
    const x = tensor([1, 2], { requiresGrad: true });
    const y = x.exp();
    y.add_(1);
    expect(() => y.sum().backward()).toThrow(
      "one of the variables needed for gradient computation has been modified by an inplace operation: " +
        "[torch.FloatTensor [2]], which is output 0 of ExpBackward0, is at version 1; expected version 0 instead. " + HINT,
    );
  });
  it("a saved non-leaf input modified in place names its current producer", () => {
    const x = tensor([1, 2], { requiresGrad: true });
    const a = x.mul(2);
    const b = a.mul(a);
    a.add_(1);
    expect(() => b.sum().backward()).toThrow(
      "one of the variables needed for gradient computation has been modified by an inplace operation: " +
        "[torch.FloatTensor [2]], which is output 0 of AddBackward0, is at version 1; expected version 0 instead. " + HINT,
    );
  });
  it("a saved leaf modified under noGrad has no producer in the message", () => {
    const x = tensor([1, 2], { requiresGrad: true });
    const b = x.mul(x);
    noGrad(() => x.add_(1));
    expect(() => b.sum().backward()).toThrow(
      "one of the variables needed for gradient computation has been modified by an inplace operation: " +
        "[torch.FloatTensor [2]] is at version 1; expected version 0 instead. " + HINT,
    );
  });
  it("float64 tensors are named DoubleTensor, and versions count every in-place op", () => {
    const x = tensor([[1, 2]], { requiresGrad: true, dtype: "float64" });
    const y = x.tanh();
    y.mul_(2).add_(1);
    expect(() => y.sum().backward()).toThrow(/\[torch\.DoubleTensor \[1, 2\]\], which is output 0 of TanhBackward0, is at version 2; expected version 0/);
  });
});

describe("shape mismatches name the op and both shapes", () => {
  it("broadcast", () => {
    expect(() => ones(2, 3).add(ones(3, 2))).toThrow(
      "The size of tensor a (3) must match the size of tensor b (2) at non-singleton dimension 1 (add: shapes [2, 3] and [3, 2])",
    );
    expect(() => ones(2, 3).mul(ones(4))).toThrow(/^The size of tensor a \(3\) must match the size of tensor b \(4\) at non-singleton dimension 1 \(mul: shapes \[2, 3\] and \[4\]\)/);
  });
  it("mm and matmul", () => {
    expect(() => mm(ones(2, 3), ones(2, 3))).toThrow("mat1 and mat2 shapes cannot be multiplied (2x3 and 2x3)");
    expect(() => ones(2, 3).matmul(ones(2, 3))).toThrow("mat1 and mat2 shapes cannot be multiplied (2x3 and 2x3)");
    expect(() => ones(2, 3, 4).matmul(ones(3, 4, 2))).toThrow(/^The size of tensor a \(2\) must match the size of tensor b \(3\) at non-singleton dimension 0/);
  });
  it("cat", () => {
    expect(() => cat([ones(2, 3), ones(2, 4)])).toThrow(
      "Sizes of tensors must match except in dimension 0. Expected size 3 but got size 4 for tensor number 1 in the list. (cat: shapes [2, 3] and [2, 4])",
    );
    expect(() => cat([ones(2, 3), ones(3, 4)], 1)).toThrow(
      /^Sizes of tensors must match except in dimension 1\. Expected size 2 but got size 3 for tensor number 1 in the list\./,
    );
  });
  it("view", () => {
    expect(() => ones(2, 3).view(4)).toThrow("shape '[4]' is invalid for input of size 6 (view: input shape [2, 3])");
    expect(() => ones(2, 3).t().view(6)).toThrow(
      /^view size is not compatible with input tensor's size and stride \(at least one dimension spans across two contiguous subspaces\)\. Use \.reshape\(\.\.\.\) instead\. \(view: shape \[3, 2\]/,
    );
    expect(ones(2, 3).t().reshape(6).shape).toEqual([6]);
  });
  it("expand and narrow", () => {
    expect(() => ones(2, 3).expand(3, 3)).toThrow(
      "The expanded size of the tensor (3) must match the existing size (2) at non-singleton dimension 0.  Target sizes: [3, 3].  Tensor sizes: [2, 3]",
    );
    expect(() => ones(2, 3).narrow(1, 2, 2)).toThrow("start (2) + length (2) exceeds dimension size (3).");
  });
  it("dims out of range", () => {
    expect(() => zeros(2, 3).sum(2)).toThrow("Dimension out of range (expected to be in range of [-2, 1], but got 2)");
  });
  it("item of a multi-element tensor", () => {
    expect(() => ones(2).item()).toThrow("a Tensor with 2 elements cannot be converted to Scalar");
  });
});
