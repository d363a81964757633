import { describe, it, expect } from "vitest";
import { nn, type Tensor } from "gradlens";
import { camel, expectClose, fromJson, loadFixture, type JsonTensor } from "./torchFixtures";

// Every module case of test/fixtures/torch/nn.json: PyTorch's params/buffers loaded through
// loadStateDict, forward, backward with the recorded upstream, then output, input grads, parameter
// grads and updated buffers compared with PyTorch (float64).

type Kwargs = Record<string, unknown>;
const dt = { dtype: "float64" as const };

function build(name: string, k: Kwargs): nn.Module {
  const n = (key: string) => k[key] as number;
  const opt = (key: string) => k[key] as never;
  switch (name) {
    case "Linear":
      return new nn.Linear(n("in_features"), n("out_features"), { bias: (k.bias as boolean) ?? true, ...dt });
    case "Conv1d":
      return new nn.Conv1d(n("in_channels"), n("out_channels"), opt("kernel_size"), {
        stride: opt("stride"), padding: opt("padding"), dilation: opt("dilation"), groups: opt("groups"), bias: opt("bias"), ...dt,
      });
    case "Conv2d":
      return new nn.Conv2d(n("in_channels"), n("out_channels"), opt("kernel_size"), {
        stride: opt("stride"), padding: opt("padding"), dilation: opt("dilation"), groups: opt("groups"), bias: opt("bias"), ...dt,
      });
    case "MaxPool2d":
      return new nn.MaxPool2d(opt("kernel_size"), { stride: opt("stride"), padding: opt("padding") });
    case "AvgPool2d":
      return new nn.AvgPool2d(opt("kernel_size"), { stride: opt("stride"), padding: opt("padding"), countIncludePad: opt("count_include_pad") });
    case "AdaptiveAvgPool2d":
      return new nn.AdaptiveAvgPool2d(opt("output_size"));
    case "BatchNorm1d":
    case "BatchNorm2d": {
      const Cls = name === "BatchNorm1d" ? nn.BatchNorm1d : nn.BatchNorm2d;
      return new Cls(n("num_features"), { momentum: opt("momentum"), eps: opt("eps"), affine: opt("affine"), ...dt });
    }
    case "LayerNorm":
      return new nn.LayerNorm(opt("normalized_shape"), { eps: opt("eps"), elementwiseAffine: opt("elementwise_affine"), ...dt });
    case "Embedding":
      return new nn.Embedding(n("num_embeddings"), n("embedding_dim"), { paddingIdx: opt("padding_idx"), ...dt });
    case "GELU":
      return new nn.GELU(opt("approximate"));
    case "ReLU":
      return new nn.ReLU();
    case "LeakyReLU":
      return new nn.LeakyReLU(opt("negative_slope"));
    case "Sigmoid":
      return new nn.Sigmoid();
    case "Tanh":
      return new nn.Tanh();
    case "Softmax":
      return new nn.Softmax(opt("dim"));
    case "LogSoftmax":
      return new nn.LogSoftmax(opt("dim"));
    case "Flatten":
      return new nn.Flatten();
  }
  throw new Error(`no builder for ${name}`);
}

const cases = loadFixture("nn").cases.filter((c) => c.kind === "module");

describe("nn layers match PyTorch (nn.json)", () => {
  it("covers every module case", () => expect(cases.length).toBeGreaterThan(40));
  for (const c of cases) {
    it(c.name, () => {
      const m = build(c.module, c.kwargs);
      const state: Record<string, Tensor> = {};
      for (const [k, v] of Object.entries({ ...c.params, ...c.buffers })) state[camel(k)] = fromJson(v as JsonTensor, false);
      m.loadStateDict(state);
      if (c.mode === "eval") m.eval();
      const inputs = (c.inputs as JsonTensor[]).map((j) => fromJson(j));
      const out = m.call(...inputs) as Tensor;
      expectClose(out, c.output, 1e-9, 1e-12, "output");
      if (out.requiresGrad) out.backward(fromJson(c.upstream, false));
      (c.grads as Array<JsonTensor | null>).forEach((g, i) => expectClose(inputs[i].grad, g, 1e-9, 1e-12, `grad[${i}]`));
      const params = Object.fromEntries(m.namedParameters());
      for (const [k, g] of Object.entries(c.paramGrads as Record<string, JsonTensor | null>)) {
        expectClose(params[camel(k)].grad, g, 1e-9, 1e-12, `${k}.grad`);
      }
      const buffers = Object.fromEntries(m.namedBuffers());
      for (const [k, b] of Object.entries(c.buffersAfter as Record<string, JsonTensor>)) {
        expectClose(buffers[camel(k)], b, 1e-9, 1e-12, k);
      }
    });
  }
});
