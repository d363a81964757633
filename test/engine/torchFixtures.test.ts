import { describe, expect, it } from "vitest";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import {
  Tensor, tensor, cat, stack, where, maximum, minimum, pow, mm, bmm, indexSelect, gather, split, chunk, type DType,
} from "gradlens";
import { expectClose } from "../helpers/expectClose";

// Values and gradients against the committed PyTorch fixtures (test/fixtures/torch, see its README).
// One table maps each fixture op name + kwargs to our API; every case runs forward, then backward
// with the recorded upstream, and compares outputs and input grads within 1e-5 relative.

interface FixtureTensor { shape: number[]; dtype: DType; data: Array<number | boolean>; requiresGrad?: boolean }
interface OpCase {
  name: string; op: string; expr: string; kwargs: Record<string, unknown>; inputs: FixtureTensor[];
  output?: FixtureTensor; upstream?: FixtureTensor | null;
  outputs?: FixtureTensor[]; upstreams?: Array<FixtureTensor | null>;
  grads: Array<FixtureTensor | null>;
}

function load<T>(file: string): { torchVersion: string; cases: T[] } {
  return JSON.parse(readFileSync(fileURLToPath(new URL(`../fixtures/torch/${file}`, import.meta.url)), "utf8"));
}

function toTensor(t: FixtureTensor, requiresGrad = false): Tensor {
  const flat = new Float64Array(t.data.map(Number));
  const x = Tensor.fromArray(flat, t.shape, "float64");
  const typed = t.dtype === "float64" ? x : tensor(x, { dtype: t.dtype });
  return requiresGrad ? typed.requiresGrad_() : typed;
}

const TOL = { rtol: 1e-5, atol: 1e-12 };

function expectTensor(actual: Tensor, expected: FixtureTensor, label: string): void {
  expect(actual.shape, `${label} shape`).toEqual(expected.shape);
  expect(actual.dtype, `${label} dtype`).toBe(expected.dtype);
  expectClose(actual, expected.data.map(Number), { ...TOL, label });
}

type Args = Record<string, any>;
type Result = Tensor | Tensor[];
/** How each fixture op is written with our API. `s` is the scalar operand of binary ops (kwargs.scalar). */
const table: Record<string, (x: Tensor[], k: Args) => Result> = {
  add: (x, k) => binary(x, k, (a, b) => a.add(b)),
  sub: (x, k) => binary(x, k, (a, b) => a.sub(b)),
  mul: (x, k) => binary(x, k, (a, b) => a.mul(b)),
  div: (x, k) => binary(x, k, (a, b) => a.div(b)),
  pow: (x, k) => (k.scalarFirst ? pow(k.scalar, x[0]) : k.exponent !== undefined ? x[0].pow(k.exponent) : binary(x, k, (a, b) => a.pow(b))),
  neg: ([a]) => a.neg(),
  exp: ([a]) => a.exp(),
  log: ([a]) => a.log(),
  sqrt: ([a]) => a.sqrt(),
  abs: ([a]) => a.abs(),
  tanh: ([a]) => a.tanh(),
  sigmoid: ([a]) => a.sigmoid(),
  relu: ([a]) => a.relu(),
  leaky_relu: ([a], k) => a.leakyRelu(k.negative_slope),
  gelu: ([a], k) => a.gelu(k.approximate),
  clamp: ([a], k) => a.clamp(k.min ?? null, k.max ?? null),
  where: ([c, a, b]) => where(c, a, b),
  maximum: ([a, b]) => maximum(a, b),
  minimum: ([a, b]) => minimum(a, b),
  matmul: ([a, b]) => a.matmul(b),
  mm: ([a, b]) => mm(a, b),
  bmm: ([a, b]) => bmm(a, b),
  sum: ([a], k) => a.sum(k.dim, k.keepdim ?? false),
  mean: ([a], k) => a.mean(k.dim, k.keepdim ?? false),
  max: ([a], k) => (k.dim === undefined ? a.max() : pair(a.max(k.dim, k.keepdim ?? false))),
  min: ([a], k) => (k.dim === undefined ? a.min() : pair(a.min(k.dim, k.keepdim ?? false))),
  amax: ([a], k) => a.amax(k.dim, k.keepdim ?? false),
  amin: ([a], k) => a.amin(k.dim, k.keepdim ?? false),
  var: ([a], k) => a.var(k.dim, { unbiased: k.unbiased, keepdim: k.keepdim }),
  std: ([a], k) => a.std(k.dim, { unbiased: k.unbiased, keepdim: k.keepdim }),
  reshape: ([a], k) => a.reshape(k.shape),
  view: ([a], k) => a.view(k.shape),
  flatten: ([a], k) => a.flatten(k.start_dim ?? 0, k.end_dim ?? -1),
  squeeze: ([a], k) => a.squeeze(k.dim),
  unsqueeze: ([a], k) => a.unsqueeze(k.dim),
  expand: ([a], k) => a.expand(k.shape),
  transpose: ([a], k) => a.transpose(k.dim0, k.dim1),
  permute: ([a], k) => a.permute(k.dims),
  T: ([a]) => a.T,
  narrow: ([a], k) => a.narrow(k.dim, k.start, k.length),
  select: ([a], k) => a.select(k.dim, k.index),
  index_select: ([a, i], k) => indexSelect(a, k.dim, i),
  gather: ([a, i], k) => gather(a, k.dim, i),
  cat: (x, k) => cat(x, k.dim),
  stack: (x, k) => stack(x, k.dim),
  split: ([a], k) => split(a, k.split_size_or_sections, k.dim),
  chunk: ([a], k) => chunk(a, k.chunks, k.dim),
  softmax: ([a], k) => a.softmax(k.dim),
  log_softmax: ([a], k) => a.logSoftmax(k.dim),
  eq: (x, k) => binary(x, k, (a, b) => a.eq(b)),
  gt: (x, k) => binary(x, k, (a, b) => a.gt(b)),
  lt: (x, k) => binary(x, k, (a, b) => a.lt(b)),
  argmax: ([a], k) => a.argmax(k.dim, k.keepdim ?? false),
};

/** Chains, keyed by case name (their expr is Python). */
const chains: Record<string, (x: Tensor[]) => Tensor> = {
  chain_mul_add_sum: ([a, b]) => a.mul(b).add(a).exp().div(b.mul(b).add(1.0)).sum(),
  chain_matmul_relu_mean: ([a, b, c]) => a.matmul(b).add(c).relu().mean(0),
};

/** `a op b`, `a op a` (one input), `a op 2.5`, or `2.5 op a` (the number as a float64 0-dim tensor). */
function binary(x: Tensor[], k: Args, f: (a: Tensor, b: Tensor | number) => Tensor): Tensor {
  if (k.scalar === undefined) return f(x[0], x[1] ?? x[0]);
  if (k.scalarFirst) return f(tensor(k.scalar, { dtype: "float64" }), x[0]);
  return f(x[0], k.scalar);
}

function pair(r: { values: Tensor; indices: Tensor }): Tensor[] {
  return [r.values, r.indices];
}

const ops = load<OpCase>("ops.json");

describe(`ops.json against PyTorch ${ops.torchVersion}`, () => {
  it("maps every fixture op", () => {
    const unmapped = ops.cases.filter((c) => !(c.op in table) && !(c.name in chains)).map((c) => c.name);
    expect(unmapped).toEqual([]);
  });

  for (const c of ops.cases) {
    it(`${c.name}: ${c.expr}`, () => {
      const inputs = c.inputs.map((t) => toTensor(t, t.requiresGrad ?? false));
      const result = c.name in chains ? chains[c.name](inputs) : table[c.op](inputs, c.kwargs);
      const outs = Array.isArray(result) ? result : [result];
      const expected = c.outputs ?? [c.output!];
      const upstreams = c.upstreams ?? [c.upstream ?? null];
      expect(outs.length, "number of outputs").toBe(expected.length);
      outs.forEach((o, i) => expectTensor(o, expected[i], `output ${i}`));

      const seeded = outs.flatMap((o, i) => (upstreams[i] ? [{ o, up: toTensor(upstreams[i]!) }] : []));
      seeded.forEach(({ o, up }, n) => o.backward(up, { retainGraph: n < seeded.length - 1 }));
      inputs.forEach((t, i) => {
        const want = c.grads[i];
        if (want === null) expect(t.grad, `grad ${i} is null`).toBeNull();
        else expectTensor(t.grad!, want, `grad ${i}`);
      });
    });
  }
});

// article.json: only the engine-core scenarios (the 56 / 48 retain_graph example); the Linear chains
// and optimizer cases belong to the nn/optim tests.
interface ArticleCase {
  name: string; detach: boolean; x: FixtureTensor; q: FixtureTensor;
  values: Record<string, FixtureTensor>; grads: Record<string, FixtureTensor>;
}
const article = load<ArticleCase>("article.json");

describe("article.json: retain_graph and detach", () => {
  for (const c of article.cases.filter((k) => k.name.startsWith("retain_graph"))) {
    it(c.name, () => {
      const x = toTensor(c.x, true), q = toTensor(c.q, true);
      const y = x.pow(2);
      const z = y.mul(2);
      const w = z.pow(3);
      const p = c.detach ? z.detach() : z;
      const pq = p.mul(q);
      pq.backward({ retainGraph: true });
      w.backward();
      const values: Record<string, Tensor> = { y, z, w, p, pq };
      for (const [k, v] of Object.entries(c.values)) expectTensor(values[k], v, k);
      expectTensor(x.grad!, c.grads.x, "x.grad");
      expectTensor(q.grad!, c.grads.q, "q.grad");
    });
  }
});
