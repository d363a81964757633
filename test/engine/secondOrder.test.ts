import { describe, expect, it } from "vitest";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { Tensor, F, autograd, onesLike, type DType } from "gradlens";
import { expectClose } from "../helpers/expectClose";

// Second order through conv, pooling, normalization and losses against PyTorch: the programs of
// scripts/make_second_order_fixtures.py (gradient penalties of GAN critics, a MAML step, gelu's
// derivatives), written again with the engine's API, compared with test/fixtures/torch/second_order.json.

interface FixtureTensor { shape: number[]; dtype: DType; data: number[] }
interface Case { name: string; tensors: Record<string, FixtureTensor>; expected: Record<string, FixtureTensor | null> }

const cases: Case[] = JSON.parse(
  readFileSync(fileURLToPath(new URL("../fixtures/torch/second_order.json", import.meta.url)), "utf8"),
).cases;

function fixture(name: string): Case {
  const c = cases.find((k) => k.name === name);
  if (c === undefined) throw new Error(`no fixture case ${name}`);
  return c;
}

function toTensor(t: FixtureTensor): Tensor {
  const x = Tensor.fromArray(Float64Array.from(t.data), t.shape, "float64");
  return t.dtype === "float64" ? x : x.to(t.dtype);
}

type Params = Record<string, Tensor>;

/** The case's tensors: names with a "." are parameters (leaves requiring grad), the rest are data. */
function load(c: Case): { p: Params; data: Record<string, Tensor> } {
  const p: Params = {}, data: Record<string, Tensor> = {};
  for (const [k, v] of Object.entries(c.tensors)) {
    if (k.includes(".")) p[k] = toTensor(v).requiresGrad_();
    else data[k] = toTensor(v);
  }
  return { p, data };
}

const TOL = { rtol: 1e-9, atol: 1e-12 };

function expectValue(actual: Tensor | null, expected: FixtureTensor | null, label: string): void {
  if (expected === null) {
    expect(actual, `${label}: PyTorch's gradient is None`).toBeNull();
    return;
  }
  expect(actual, label).not.toBeNull();
  expect(actual!.shape, `${label} shape`).toEqual(expected.shape);
  expectClose(actual!, expected.data, { ...TOL, label });
}

function expectParamGrads(c: Case, p: Params, prefix: string): void {
  for (const k of Object.keys(p)) {
    const label = `${c.name} ${prefix}${k}`, expected = c.expected[`${prefix}${k}`];
    expectValue(p[k].grad, expected, label);
  }
}

function zeroGrads(p: Params): void {
  for (const t of Object.values(p)) t.grad = null;
}

function lnCritic(p: Params, x: Tensor): Tensor {
  let h = F.leakyRelu(F.conv2d(x, p["conv1.weight"], p["conv1.bias"], { stride: 2, padding: 1 }), 0.2);
  h = F.conv2d(h, p["conv2.weight"], p["conv2.bias"], { padding: 1 });
  h = F.leakyRelu(F.layerNorm(h, [4, 3, 3], p["ln.weight"], p["ln.bias"]), 0.2);
  h = F.adaptiveAvgPool2d(h, 1).flatten(1);
  return F.linear(h, p["fc.weight"], p["fc.bias"]);
}

function bnCritic(p: Params, x: Tensor): Tensor {
  let h = F.leakyRelu(F.conv2d(x, p["conv1.weight"], p["conv1.bias"], { stride: 2, padding: 1 }), 0.2);
  h = F.conv2d(h, p["conv2.weight"], null, { padding: 1 });
  h = F.leakyRelu(F.batchNorm(h, null, null, { weight: p["bn.weight"], bias: p["bn.bias"], training: true }), 0.2);
  h = F.maxPool2d(h, 2, { stride: 1 }).flatten(1);
  return F.linear(h, p["fc.weight"], p["fc.bias"]);
}

describe("gradient penalties through conv critics match PyTorch", () => {
  it("WGAN-GP: LayerNorm critic, penalty at interpolates, then the whole critic loss", () => {
    const c = fixture("wgan_gp_layernorm");
    const { p, data } = load(c);
    const { real, fake, alpha } = data;
    const penalty = () => {
      const interp = alpha.mul(real).add(alpha.neg().add(1).mul(fake)).requiresGrad_();
      const out = lnCritic(p, interp);
      const [g] = autograd.grad(out, interp, { gradOutputs: onesLike(out), createGraph: true });
      return { g: g!, gp: g!.view(3, -1).norm(2, 1).sub(1).pow(2).mean() };
    };
    const first = penalty();
    first.gp.backward();
    expectValue(first.gp, c.expected.penalty, "penalty");
    expectValue(first.g, c.expected.inputGrad, "input gradient");
    expectParamGrads(c, p, "penaltyGrad.");

    zeroGrads(p);
    const { gp } = penalty();
    const loss = lnCritic(p, fake).mean().sub(lnCritic(p, real).mean()).add(gp.mul(10));
    loss.backward();
    expectValue(loss, c.expected.loss, "critic loss");
    expectParamGrads(c, p, "lossGrad.");
  });

  it("R1: BatchNorm critic (batch statistics), penalty on real inputs, then with the BCE loss", () => {
    const c = fixture("r1_batchnorm");
    const { p, data } = load(c);
    const real = data.real.requiresGrad_();
    const r1 = () => {
      const logits = bnCritic(p, real);
      const dLoss = F.binaryCrossEntropyWithLogits(logits, onesLike(logits));
      const [g] = autograd.grad(logits.sum(), real, { createGraph: true });
      return { g: g!, dLoss, penalty: g!.pow(2).reshape(3, -1).sum(1).mean().mul(10 / 2) };
    };
    const first = r1();
    first.penalty.backward();
    expectValue(first.penalty, c.expected.penalty, "penalty");
    expectValue(first.g, c.expected.inputGrad, "input gradient");
    expectParamGrads(c, p, "penaltyGrad.");

    zeroGrads(p);
    real.grad = null;
    const second = r1();
    second.dLoss.add(second.penalty).backward();
    expectValue(second.dLoss, c.expected.dLoss, "BCE loss");
    expectParamGrads(c, p, "lossGrad.");
  });
});

describe("MAML through conv, avg pool and cross entropy matches PyTorch", () => {
  it("the outer loss's gradients of the initial parameters, through one inner SGD step", () => {
    const c = fixture("maml_conv");
    const { p, data } = load(c);
    const net = (q: Params, x: Tensor) => {
      const h = F.avgPool2d(F.relu(F.conv2d(x, q["conv.weight"], q["conv.bias"], { padding: 1 })), 2).flatten(1);
      return F.linear(h, q["fc.weight"], q["fc.bias"]);
    };
    const names = Object.keys(p);
    const inner = F.crossEntropy(net(p, data.xs), data.ys);
    const grads = autograd.grad(inner, names.map((k) => p[k]), { createGraph: true });
    const fast: Params = {};
    names.forEach((k, i) => (fast[k] = p[k].sub(grads[i]!.mul(0.1))));
    const outer = F.crossEntropy(net(fast, data.xq), data.yq);
    outer.backward();
    expectValue(outer, c.expected.outer, "outer loss");
    expectParamGrads(c, p, "grad.");
  });
});

describe("gelu's first three derivatives match PyTorch", () => {
  for (const approximate of ["none", "tanh"] as const) {
    it(`approximate=${approximate}`, () => {
      const c = fixture("gelu_derivatives");
      const x = toTensor(c.tensors.x).requiresGrad_();
      const [d1] = autograd.grad(F.gelu(x, approximate).sum(), x, { createGraph: true });
      const [d2] = autograd.grad(d1!.sum(), x, { createGraph: true });
      const [d3] = autograd.grad(d2!.sum(), x);
      expectValue(d1, c.expected[`${approximate}.d1`], "gelu'");
      expectValue(d2, c.expected[`${approximate}.d2`], "gelu''");
      expectValue(d3, c.expected[`${approximate}.d3`], "gelu'''");
    });
  }
});
