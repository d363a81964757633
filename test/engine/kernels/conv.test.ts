// The convolution kernels (src/engine/kernels/conv.ts): the float32 path in wasm (im2col, GEMM and
// col2im in wasm memory) against a direct convolution computed in float64 from the definition, for
// strides, padding, dilation, groups and non-square shapes, on both wasm builds and the JS set.
import { describe, expect, it } from "vitest";
import { convBackwardInto } from "../../../src/engine/kernels/conv";
import { CASES, checkConv } from "./convCases";
import { getKernelBackend, getWasmVariant, setKernelBackend } from "../../../src/engine/kernels/matmul";
import { kernelBackendFixture } from "./util";

kernelBackendFixture();

function checkAll(label: string): void {
  it(`forward, input and weight gradients (${label}) match a direct convolution`, () => {
    let seed = 1;
    for (const c of CASES) {
      const { x, w, gy, d, dx, dw } = checkConv(c, seed, `${label} ${JSON.stringify(c)}`);
      seed += 3;
      const dxOnly = new Float32Array(x.length).fill(Number.NaN), dwOnly = new Float32Array(w.length).fill(Number.NaN);
      convBackwardInto(null, w, gy, dxOnly, null, d);
      convBackwardInto(x, w, gy, null, dwOnly, d);
      expect(dxOnly).toEqual(dx);
      expect(dwOnly).toEqual(dw);
    }
  });
}

describe("conv kernels, wasm SIMD build", () => {
  it("runs in wasm", () => {
    setKernelBackend("wasm", { variant: "simd" });
    expect(getWasmVariant()).toBe("simd");
  });
  checkAll("simd");
});

describe("conv kernels, wasm relaxed-SIMD build", () => {
  it("runs in wasm", () => {
    setKernelBackend("wasm", { variant: "relaxed-simd" });
    expect(getWasmVariant()).toBe("relaxed-simd");
  });
  checkAll("relaxed-simd");
});

describe("conv kernels, JS kernel set", () => {
  it("selects the JS kernels", () => {
    setKernelBackend("js");
    expect(getKernelBackend()).toBe("js");
  });
  checkAll("js");
});
