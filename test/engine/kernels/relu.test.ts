// The ReLU kernels (src/engine/kernels/relu.ts): the wasm loops (both builds) and the JavaScript loops
// against max(x, 0) with NaN kept and against threshold_backward's mask, bit for bit between the two
// kernel sets; over ±0, ±∞, NaNs of both signs, subnormals and random values, an odd length (a partial
// last vector) longer than one wasm chunk; and the dispatch (JS kernel set, short arrays).
import { describe, expect, it } from "vitest";
import { reluBackwardF32, reluBackwardRefF32, reluF32, reluRefF32 } from "../../../src/engine/kernels/relu";
import { setKernelBackend } from "../../../src/engine/kernels/matmul";
import { kernelBackendFixture, rng } from "./util";

kernelBackendFixture({ dispatcherThresholds: true });

const NEG_NAN = new Float32Array(new Uint32Array([0xffc00001]).buffer)[0]!;
const SPECIAL = [0, -0, 1, -1, 1e-45, -1e-45, 1e-40, -1e-40, 3.4e38, -3.4e38, Infinity, -Infinity, NaN, NEG_NAN];

/** the specials, then random values of both signs: 20 001 elements, more than two chunks and not whole vectors */
function inputs(): Float32Array {
  const r = rng(11);
  const xs = [...SPECIAL];
  while (xs.length < 20001) xs.push((r() * 2 - 1) * 100);
  return Float32Array.from(xs);
}

const bits = (a: Float32Array) => Array.from(new Uint32Array(a.buffer, a.byteOffset, a.length));

function check(forward: typeof reluF32, backward: typeof reluBackwardF32): { y: Float32Array; dx: Float32Array } {
  const x = inputs(), r = rng(5);
  // a NaN and an ∞ in g where the mask is closed (x = −1, x = −1e-45): they must not leak through
  const g = Float32Array.from(x, (_, i) => (i === 3 ? NaN : i === 5 ? -Infinity : r() * 4 - 2));
  const y = new Float32Array(x.length), dx = new Float32Array(x.length);
  forward(x, y);
  backward(g, x, dx);
  const same = (a: number, b: number) => a === b || (Number.isNaN(a) && Number.isNaN(b));
  const wrong: string[] = [];
  for (let i = 0; i < x.length; i++) {
    const v = x[i]!;
    const pass = v > 0 || Number.isNaN(v);
    if (!same(y[i]!, pass ? v : 0)) wrong.push(`relu(${v}) = ${y[i]}`);
    if (!same(dx[i]!, pass ? g[i]! : 0)) wrong.push(`relu'(${v})·${g[i]} = ${dx[i]}`);
  }
  expect(wrong).toEqual([]);
  return { y, dx };
}

describe.each(["simd", "relaxed-simd"] as const)("ReLU kernels, %s build", (variant) => {
  it("give max(x, 0) with NaN kept and threshold_backward's mask, bit for bit as the JavaScript loops", () => {
    setKernelBackend("wasm", { variant });
    const wasm = check(reluF32, reluBackwardF32);
    const js = check(reluRefF32, reluBackwardRefF32);
    expect(bits(wasm.y)).toEqual(bits(js.y));
    expect(bits(wasm.dx)).toEqual(bits(js.dx));
  });
});

describe("ReLU dispatch", () => {
  it("the JS kernel set and short arrays run the JavaScript loops, with the same results", () => {
    setKernelBackend("js");
    check(reluF32, reluBackwardF32);
    setKernelBackend("wasm");
    const x = Float32Array.from([-1, 2, NaN, -0]), y = new Float32Array(4);
    reluF32(x, y);
    expect(Array.from(y)).toEqual([0, 2, NaN, 0]);
  });
});
