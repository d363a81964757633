import { describe, it, expect } from "vitest";
import { F, type Tensor } from "gradlens";
import { camel, expectClose, fromJson, loadFixture, type JsonTensor } from "./torchFixtures";

// Every functional (loss) case of test/fixtures/torch/nn.json, forward and backward, against PyTorch.

const ops: Record<string, (input: Tensor, target: Tensor, options: Record<string, unknown>) => Tensor> = {
  cross_entropy: (x, t, o) => F.crossEntropy(x, t, o),
  nll_loss: (x, t, o) => F.nllLoss(x, t, o),
  mse_loss: (x, t, o) => F.mseLoss(x, t, o),
  l1_loss: (x, t, o) => F.l1Loss(x, t, o),
  smooth_l1_loss: (x, t, o) => F.smoothL1Loss(x, t, o),
  binary_cross_entropy: (x, t, o) => F.binaryCrossEntropy(x, t, o),
  binary_cross_entropy_with_logits: (x, t, o) => F.binaryCrossEntropyWithLogits(x, t, o),
};

const cases = loadFixture("nn").cases.filter((c) => c.kind === "functional");

describe("F losses match PyTorch (nn.json)", () => {
  it("covers every functional case", () => expect(cases.length).toBeGreaterThan(50));
  for (const c of cases) {
    it(c.name, () => {
      const options: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(c.kwargs as Record<string, unknown>)) options[camel(k)] = v;
      for (const [k, v] of Object.entries(c.tensorKwargs as Record<string, JsonTensor>)) options[camel(k)] = fromJson(v, false);
      const [input, target] = (c.inputs as JsonTensor[]).map((j) => fromJson(j));
      const out = ops[c.op](input, target, options);
      expectClose(out, c.output, 1e-9, 1e-12, "output");
      out.backward(fromJson(c.upstream, false));
      expectClose(input.grad, c.grads[0], 1e-9, 1e-12, "input.grad");
      expectClose(target.grad, c.grads[1], 1e-9, 1e-12, "target.grad");
    });
  }
});
