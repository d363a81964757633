// The closure-free add/sub/mul/div paths (same shape, scalar, bias row) must give exactly the values
// of the general broadcasting kernel, for every layout they accept and the ones they hand back.
import { describe, expect, it } from "vitest";
import { add, div, manualSeed, mul, randn, sub, tensor, type Tensor } from "gradlens";
import { zipBinary } from "../../../src/engine/ops/elementwise";

type Case = { name: string; a: () => Tensor; b: () => Tensor | number };

const formulas = {
  add: (alpha: number) => (p: number, q: number) => (alpha === 1 ? p + q : p + alpha * q),
  sub: (alpha: number) => (p: number, q: number) => p - alpha * q,
  mul: () => (p: number, q: number) => p * q,
  div: () => (p: number, q: number) => p / q,
};

function reference(op: keyof typeof formulas, a: Tensor, b: Tensor | number, alpha: number): Tensor {
  const bt = typeof b === "number" ? tensor(b, { dtype: "float64" }) : b;
  const dtype = op === "add" ? add(a, b).dtype : op === "sub" ? sub(a, b).dtype : op === "mul" ? mul(a, b).dtype : div(a, b).dtype;
  return zipBinary(a, bt, formulas[op](alpha), dtype, op);
}

function run(op: keyof typeof formulas, a: Tensor, b: Tensor | number, alpha: number): Tensor {
  if (op === "add") return add(a, b, alpha);
  if (op === "sub") return sub(a, b, alpha);
  return op === "mul" ? mul(a, b) : div(a, b);
}

describe("closure-free arithmetic", () => {
  manualSeed(3);
  const cases: Case[] = [
    { name: "same shape", a: () => randn(4, 5), b: () => randn(4, 5) },
    { name: "number operand", a: () => randn(3, 7), b: () => 0.37 },
    { name: "0-dim operand", a: () => randn(6), b: () => tensor(-1.5) },
    { name: "0-dim on the left", a: () => tensor(2.25), b: () => randn(2, 3) },
    { name: "bias row", a: () => randn(8, 5), b: () => randn(5) },
    { name: "bias row with leading ones", a: () => randn(2, 3, 4), b: () => randn(1, 3, 4) },
    { name: "row on the left (general path)", a: () => randn(5), b: () => randn(8, 5) },
    { name: "column broadcast (general path)", a: () => randn(4, 3), b: () => randn(4, 1) },
    { name: "transposed operand (general path)", a: () => randn(3, 4).t(), b: () => randn(4, 3) },
    { name: "float64 with float32 bias", a: () => randn(3, 4, { dtype: "float64" }), b: () => randn(4) },
    { name: "int64 with float", a: () => tensor([[1, 2], [3, 4]], { dtype: "int64" }), b: () => randn(2) },
  ];
  for (const c of cases) {
    for (const op of ["add", "sub", "mul", "div"] as const) {
      for (const alpha of op === "add" || op === "sub" ? [1, -0.5] : [1]) {
        it(`${op} ${c.name}${alpha !== 1 ? ` alpha ${alpha}` : ""}`, () => {
          const a = c.a(), b = c.b();
          const got = run(op, a, b, alpha), want = reference(op, a, b, alpha);
          expect(got.shape).toEqual(want.shape);
          expect(got.dtype).toBe(want.dtype);
          expect(Array.from(got.dataSync())).toEqual(Array.from(want.dataSync()));
        });
      }
    }
  }

  it("keeps IEEE special values", () => {
    const a = tensor([0, -0, Infinity, NaN, 1]);
    expect(Array.from(div(a, 0).dataSync())).toEqual([NaN, NaN, Infinity, NaN, Infinity]);
    expect(Object.is(mul(tensor([-0]), tensor([1])).item(), -0)).toBe(true);
    expect(Array.from(sub(a, tensor([1, 1, Infinity, 0, 1])).dataSync())).toEqual([-1, -1, NaN, NaN, 0]);
  });

  it("a bias row broadcast gets the column sums as its gradient", () => {
    const x = randn(3, 2, { requiresGrad: true }), bias = tensor([0.5, -1], { requiresGrad: true });
    add(x, bias).sum().backward();
    expect(Array.from(bias.grad!.dataSync())).toEqual([3, 3]);
    expect(Array.from(x.grad!.dataSync())).toEqual([1, 1, 1, 1, 1, 1]);
  });
});
