import { describe, expect, it } from "vitest";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import type { Tensor } from "gradlens";
import { runProgram, type Step } from "./corpus/interpreter";

// The differential corpus: random programs (leaves of random shapes and dtypes, chains of ops with
// broadcasting, views, in-place ops, detach, noGrad regions, retainGrad, second backward, createGraph)
// run in PyTorch 1.13 by scripts/make_autograd_corpus.py, replayed here. Every program must match
// PyTorch's values, gradients, None grads, requiresGrad/isLeaf flags and the first words of its errors.
// Where 1.13 and 2.x differ the generator records the op as 2.x does (mean over a dim: see the script).
// A new op joins the fuzz in scripts/make_autograd_corpus.py (OPS) and corpus/interpreter.ts (OPS).

type Num = number | "nan" | "inf" | "-inf";
interface VarExpect {
  unreadable?: true;
  rg: boolean; leaf: boolean; shape: number[]; dtype: string; value: Num[]; grad: Num[] | null;
}
interface Program {
  name: string;
  steps: Step[];
  expect: { error: { step: number; message: string } | null; vars: Record<string, VarExpect> };
}

const file = fileURLToPath(new URL("../fixtures/torch/autograd_corpus.json", import.meta.url));
const corpus = JSON.parse(readFileSync(file, "utf8")) as { programs: Program[] };

const decode = (v: Num) => (v === "nan" ? NaN : v === "inf" ? Infinity : v === "-inf" ? -Infinity : v);

/** The error's first clause: PyTorch's messages carry details (shapes, versions) after it. */
export function errorPrefix(message: string): string {
  const cut = message.search(/[.:(]/);
  return cut < 0 ? message : message.slice(0, cut);
}

function closeTo(actual: ArrayLike<number>, expected: Num[], dtype: string): string | null {
  if (actual.length !== expected.length) return `length ${actual.length}, expected ${expected.length}`;
  const rtol = dtype === "float64" ? 1e-6 : 1e-4, atol = dtype === "float64" ? 1e-6 : 1e-4;
  for (let i = 0; i < expected.length; i++) {
    const a = actual[i], e = decode(expected[i]);
    if (Number.isNaN(e) ? !Number.isNaN(a) : !(a === e || Math.abs(a - e) <= atol + rtol * Math.abs(e))) {
      return `element ${i}: ${a}, expected ${e}`;
    }
  }
  return null;
}

/** The first difference between the engine's state and PyTorch's, or null. */
export function difference(p: Program): string | null {
  const { env, retained, error } = runProgram(p.steps);
  const want = p.expect.error;
  if ((error === null) !== (want === null)) {
    return want === null ? `engine threw at step ${error!.step}: ${error!.message}` : `PyTorch threw at step ${want.step}: ${want.message}; the engine did not`;
  }
  if (error !== null && want !== null) {
    if (error.step !== want.step) return `engine threw at step ${error.step} (${error.message}), PyTorch at ${want.step} (${want.message})`;
    if (!error.message.startsWith(errorPrefix(want.message))) return `error "${error.message}", PyTorch "${want.message}"`;
  }
  for (const [name, e] of Object.entries(p.expect.vars)) {
    if (e.unreadable) continue;
    const t = env.get(name) as Tensor;
    if (t === undefined) return `${name} missing`;
    if (t.requiresGrad !== e.rg) return `${name}.requiresGrad ${t.requiresGrad}, expected ${e.rg}`;
    if (t.isLeaf !== e.leaf) return `${name}.isLeaf ${t.isLeaf}, expected ${e.leaf}`;
    if (t.shape.join() !== e.shape.join()) return `${name}.shape [${t.shape}], expected [${e.shape}]`;
    if (t.dtype !== e.dtype) return `${name}.dtype ${t.dtype}, expected ${e.dtype}`;
    const v = closeTo(t.dataSync(), e.value, e.dtype);
    if (v !== null) return `${name} value ${v}`;
    if (e.leaf || retained.has(name)) {
      const g = t.grad;
      if ((g === null) !== (e.grad === null)) return `${name}.grad ${g === null ? "null" : "set"}, expected ${e.grad === null ? "null" : "set"}`;
      if (g !== null) {
        if (g.dtype !== t.dtype) return `${name}.grad dtype ${g.dtype}, expected ${t.dtype}`;
        const d = closeTo(g.dataSync(), e.grad!, e.dtype);
        if (d !== null) return `${name}.grad ${d}`;
      }
    }
  }
  return null;
}

describe("differential autograd corpus (PyTorch 1.13)", () => {
  it(`has at least 2,000 programs`, () => {
    expect(corpus.programs.length).toBeGreaterThanOrEqual(2000);
  });
  it("every program matches PyTorch", () => {
    const failures: string[] = [];
    for (const p of corpus.programs) {
      let diff: string | null;
      try {
        diff = difference(p);
      } catch (e) {
        diff = `interpreter: ${(e as Error).message}`;
      }
      if (diff !== null) failures.push(`${p.name}: ${diff}`);
    }
    expect(failures.slice(0, 30), `${failures.length} of ${corpus.programs.length} differ`).toEqual([]);
  });
});
