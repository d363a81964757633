import { describe, expect, it } from "vitest";
import { F, manualSeed, randn, rand, tensor } from "gradlens";
import { gradcheck } from "../../helpers/gradcheck";

// Float64 central-difference checks for every op nn/F adds (values are checked against PyTorch in
// layersFixtures / functionalFixtures; these check each backward against its own forward).

const d64 = { dtype: "float64" as const, requiresGrad: true };
const r = (...shape: number[]) => randn(shape, d64);

describe("gradcheck: nn.functional ops", () => {
  manualSeed(7);
  it("addmm (bias, mat1, mat2 = W.t())", () => {
    gradcheck((b, x, w) => F.addmm(b, x, w.t()), [r(4), r(3, 5), r(4, 5)]);
    gradcheck((b, x, w) => F.addmm(b, x, w), [r(1, 4), r(3, 5), r(5, 4)]);
  });
  it("linear on 1-D, 2-D and 3-D inputs, with and without bias", () => {
    gradcheck((x, w, b) => F.linear(x, w, b), [r(3), r(2, 3), r(2)]);
    gradcheck((x, w) => F.linear(x, w), [r(4, 3), r(2, 3)]);
    gradcheck((x, w, b) => F.linear(x, w, b), [r(2, 2, 3), r(2, 3), r(2)]);
  });
  it("conv2d: plain, stride/padding, dilation, groups, no bias", () => {
    gradcheck((x, w, b) => F.conv2d(x, w, b), [r(2, 2, 4, 4), r(3, 2, 3, 3), r(3)]);
    gradcheck((x, w, b) => F.conv2d(x, w, b, { stride: 2, padding: 1 }), [r(1, 2, 5, 5), r(2, 2, 3, 3), r(2)]);
    gradcheck((x, w) => F.conv2d(x, w, null, { dilation: 2, padding: [1, 0] }), [r(1, 1, 6, 5), r(2, 1, 2, 2)]);
    gradcheck((x, w, b) => F.conv2d(x, w, b, { groups: 2, stride: [1, 2] }), [r(1, 4, 4, 5), r(4, 2, 2, 3), r(4)]);
  });
  it("conv1d: plain, stride/padding/dilation, groups, unbatched", () => {
    gradcheck((x, w, b) => F.conv1d(x, w, b), [r(2, 2, 6), r(3, 2, 3), r(3)]);
    gradcheck((x, w) => F.conv1d(x, w, null, { stride: 2, padding: 1, dilation: 2 }), [r(1, 2, 7), r(2, 2, 2)]);
    gradcheck((x, w, b) => F.conv1d(x, w, b, { groups: 2 }), [r(4, 5), r(2, 2, 2), r(2)]);
  });
  it("maxPool2d (distinct values, so the max is unique)", () => {
    const distinct = (shape: number[]) => {
      const n = shape.reduce((a, b) => a * b, 1);
      const vals = Array.from({ length: n }, (_, i) => ((i * 37) % n) / 3 - n / 6);
      return tensor(vals, { dtype: "float64" }).reshape(shape).detach().requiresGrad_(true);
    };
    gradcheck((x) => F.maxPool2d(x, 2), [distinct([1, 2, 4, 4])]);
    gradcheck((x) => F.maxPool2d(x, 3, { stride: 2, padding: 1 }), [distinct([2, 1, 5, 5])]);
    gradcheck((x) => F.maxPool2d(x, 2, { stride: 1, ceilMode: true, dilation: 2 }), [distinct([1, 1, 5, 6])]);
  });
  it("avgPool2d (countIncludePad both ways, ceilMode, divisorOverride) and adaptiveAvgPool2d", () => {
    gradcheck((x) => F.avgPool2d(x, 3, { stride: 2, padding: 1 }), [r(1, 2, 5, 5)]);
    gradcheck((x) => F.avgPool2d(x, 3, { stride: 2, padding: 1, countIncludePad: false, ceilMode: true }), [r(1, 1, 6, 6)]);
    gradcheck((x) => F.avgPool2d(x, 2, { divisorOverride: 3 }), [r(2, 4, 4)]);
    gradcheck((x) => F.adaptiveAvgPool2d(x, [3, 2]), [r(1, 2, 5, 7)]);
  });
  it("layerNorm with and without affine", () => {
    gradcheck((x, w, b) => F.layerNorm(x, [4], w, b), [r(2, 3, 4), r(4), r(4)]);
    gradcheck((x) => F.layerNorm(x, [3, 4], null, null, 1e-3), [r(2, 3, 4)]);
  });
  it("batchNorm: train (batch stats) and eval (running stats)", () => {
    gradcheck((x, w, b) => F.batchNorm(x, null, null, { weight: w, bias: b, training: true }), [r(4, 3), r(3), r(3)]);
    gradcheck((x, w, b) => F.batchNorm(x, null, null, { weight: w, bias: b, training: true }), [r(2, 2, 3, 3), r(2), r(2)]);
    const rm = randn(3, { dtype: "float64" }), rv = rand(3, { dtype: "float64" }).add(0.5);
    gradcheck((x, w, b) => F.batchNorm(x, rm, rv, { weight: w, bias: b, training: false }), [r(4, 3, 2), r(3), r(3)]);
  });
  it("embedding (repeated and padding indices)", () => {
    const idx = tensor([[1, 0, 4, 1], [3, 0, 0, 2]], { dtype: "int64" });
    gradcheck((w) => F.embedding(idx, w), [r(5, 3)]);
    // paddingIdx's row gets no gradient by design (so no finite-difference check); the others still do
    const w = r(5, 3);
    F.embedding(idx, w, 0).sum().backward();
    expect(w.grad!.tolist()).toEqual([[0, 0, 0], [2, 2, 2], [1, 1, 1], [1, 1, 1], [1, 1, 1]]);
  });
  it("dropout (same seeded mask in every evaluation)", () => {
    gradcheck((x) => {
      manualSeed(3);
      return F.dropout(x, 0.4, true);
    }, [r(3, 4)]);
  });
  it("crossEntropy: indices, weights, ignoreIndex, label smoothing, probabilities, spatial", () => {
    const target = tensor([1, 0, 4, 1], { dtype: "int64" });
    const weight = rand(5, { dtype: "float64" }).add(0.5);
    for (const reduction of ["mean", "sum", "none"] as const) {
      gradcheck((x) => F.crossEntropy(x, target, { reduction }), [r(4, 5)]);
      gradcheck((x) => F.crossEntropy(x, target, { reduction, weight, ignoreIndex: 1, labelSmoothing: 0.2 }), [r(4, 5)]);
      gradcheck((x, p) => F.crossEntropy(x, p.softmax(1), { reduction, weight, labelSmoothing: 0.1 }), [r(3, 5), r(3, 5)]);
    }
    gradcheck((x) => F.crossEntropy(x, tensor([[0, 2, 1, 1], [2, 2, 0, 1]], { dtype: "int64" })), [r(2, 3, 4)]);
  });
  it("nllLoss on [N, C] and [N, C, d]", () => {
    gradcheck((x) => F.nllLoss(x, tensor([1, 0, 2], { dtype: "int64" }), { weight: tensor([0.5, 2, 1], { dtype: "float64" }) }), [r(3, 3)]);
    gradcheck((x) => F.nllLoss(x, tensor([[1, 0], [2, 2]], { dtype: "int64" }), { reduction: "none" }), [r(2, 3, 2)]);
  });
  it("pointwise losses, gradients for both input and target", () => {
    for (const reduction of ["mean", "sum", "none"] as const) {
      gradcheck((x, y) => F.mseLoss(x, y, { reduction }), [r(3, 4), r(3, 4)]);
      gradcheck((x, y) => F.l1Loss(x, y, { reduction }), [r(3, 4), r(3, 4)]);
      gradcheck((x, y) => F.smoothL1Loss(x, y, { reduction, beta: 0.5 }), [r(3, 4), r(3, 4)]);
    }
    gradcheck((x, y) => F.mseLoss(x, y), [r(3, 4), r(4)]);
    const probs = rand(3, 4, { dtype: "float64" }).mul(0.8).add(0.1).requiresGrad_(true);
    const soft = rand(3, 4, { dtype: "float64" }).requiresGrad_(true);
    gradcheck((x, y) => F.binaryCrossEntropy(x, y, { weight: tensor([1, 2, 0.5, 1], { dtype: "float64" }) }), [probs, soft]);
    gradcheck((x, y) => F.binaryCrossEntropyWithLogits(x, y, { posWeight: tensor([1, 2, 0.5, 1.5], { dtype: "float64" }), reduction: "sum" }), [r(3, 4), soft]);
    gradcheck((x, y) => F.binaryCrossEntropyWithLogits(x, y), [r(3, 4), soft]);
  });
});
