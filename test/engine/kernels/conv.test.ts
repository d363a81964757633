// The convolution kernels (src/engine/kernels/conv.ts): the float32 path in wasm (im2col, GEMM and
// col2im in wasm memory) against a direct convolution computed in float64 from the definition, for
// strides, padding, dilation, groups and non-square shapes, on both wasm builds and the JS set.
import { describe, expect, it } from "vitest";
import { convBackwardInto, convForwardInto, type ConvDims } from "../../../src/engine/kernels/conv";
import { im2colGeometry } from "../../../src/engine/kernels/im2col";
import { CASES, direct } from "./convCases";
import { getKernelBackend, getWasmVariant, setKernelBackend } from "../../../src/engine/kernels/matmul";
import { expectClose, kernelBackendFixture, randArray } from "./util";

kernelBackendFixture();

function checkAll(label: string): void {
  it(`forward, input and weight gradients (${label}) match a direct convolution`, () => {
    let seed = 1;
    for (const c of CASES) {
      const image = im2colGeometry(1, c.C, c.H, c.W, c.kH, c.kW, c.stride, c.padding, c.dilation);
      const d: ConvDims = { N: c.N, Cout: c.Cout, groups: c.groups, image };
      const x = randArray(Float32Array, c.N * c.C * c.H * c.W, seed++) as Float32Array;
      const w = randArray(Float32Array, c.Cout * (image.K / c.groups), seed++) as Float32Array;
      const gy = randArray(Float32Array, c.N * c.Cout * image.L, seed++) as Float32Array;
      const want = direct(c, x, w, gy);
      const y = new Float32Array(want.y.length).fill(Number.NaN); // overwritten
      convForwardInto(x, w, y, d);
      expectClose(y, want.y, want.scale, 1e-6, 0, `${label} forward ${JSON.stringify(c)}`);
      // both gradients are written over what is there (NaN), together and one at a time
      const dx = new Float32Array(x.length).fill(Number.NaN), dw = new Float32Array(w.length).fill(Number.NaN);
      convBackwardInto(x, w, gy, dx, dw, d);
      expectClose(dx, want.dx, null, 1e-5, 1e-5, `${label} input grad ${JSON.stringify(c)}`);
      expectClose(dw, want.dw, null, 1e-5, 1e-4, `${label} weight grad ${JSON.stringify(c)}`);
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
