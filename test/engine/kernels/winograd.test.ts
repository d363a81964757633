// Winograd F(2×2, 3×3) (src/engine/kernels/winograd.ts, assembly/winograd.ts), forced on for every
// 3×3 stride-1 case: forward and input gradient against a direct convolution in float64, on odd and
// even maps (tile grids that overhang the map, tile rows padded to 4), padding 0, 1 and 2, one image
// and many channels, on both wasm builds; the weight gradient too.
import { afterAll, describe, expect, it } from "vitest";
import { convBackwardInto, convForwardInto, type ConvDims } from "../../../src/engine/kernels/conv";
import { im2colGeometry } from "../../../src/engine/kernels/im2col";
import { setKernelBackend } from "../../../src/engine/kernels/matmul";
import { setWinogradPolicy } from "../../../src/engine/kernels/winograd";
import { checkConv, type Case } from "./convCases";
import { expectClose, kernelBackendFixture, randArray } from "./util";

kernelBackendFixture();
afterAll(() => setWinogradPolicy("auto"));

const conv3 = (N: number, C: number, H: number, W: number, Cout: number, pH: number, pW = pH): Case => ({
  N, C, H, W, Cout, kH: 3, kW: 3, stride: [1, 1], padding: [pH, pW], dilation: [1, 1], groups: 1,
});

const CASES: Case[] = [
  conv3(2, 3, 8, 8, 4, 1), // even map, 4×4 tiles
  conv3(1, 5, 7, 9, 3, 1), // odd map: the last tile row and column overhang it
  conv3(3, 4, 6, 5, 6, 0), // padding 0: the input gradient's padding is 2
  conv3(2, 2, 9, 12, 5, 0),
  conv3(1, 3, 5, 6, 2, 2), // padding 2 (the input gradient's padding 0)
  conv3(2, 3, 6, 7, 4, 1, 0), // different padding per axis
  conv3(1, 2, 3, 3, 2, 0), // one output pixel
  conv3(1, 2, 1, 1, 3, 1), // 1×1 map
  conv3(1, 48, 10, 10, 40, 1), // many channels: the 16 products are real GEMMs
  conv3(5, 16, 4, 4, 24, 1), // a ResNet's last stage in small: several images per chunk
  conv3(1, 8, 34, 70, 8, 1), // wide maps: tile rows of 36 tiles, a chunk of one image
];

function run(label: string): void {
  it(`forward, input and weight gradients match a direct convolution (${label})`, () => {
    setWinogradPolicy("always");
    let seed = 100;
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

describe("Winograd F(2×2, 3×3), wasm SIMD build", () => {
  it("runs in wasm", () => setKernelBackend("wasm", { variant: "simd" }));
  run("simd");
});

describe("Winograd F(2×2, 3×3), wasm relaxed-SIMD build", () => {
  it("runs in wasm", () => setKernelBackend("wasm", { variant: "relaxed-simd" }));
  run("relaxed-simd");
});

describe("Winograd policy", () => {
  it("changes the result's rounding only: 'never' (im2col) and 'always' agree closely", () => {
    setKernelBackend("wasm", { variant: "auto" });
    const c = conv3(2, 32, 12, 12, 32, 1);
    const image = im2colGeometry(1, c.C, c.H, c.W, 3, 3, 1, 1, 1);
    const d: ConvDims = { N: c.N, Cout: c.Cout, groups: 1, image };
    const x = randArray(Float32Array, c.N * c.C * c.H * c.W, 7) as Float32Array;
    const w = randArray(Float32Array, c.Cout * image.K, 8) as Float32Array;
    const gy = randArray(Float32Array, c.N * c.Cout * image.L, 9) as Float32Array;
    const out = (p: "always" | "never") => {
      setWinogradPolicy(p);
      const y = new Float32Array(c.N * c.Cout * image.L), dx = new Float32Array(x.length), dw = new Float32Array(w.length);
      convForwardInto(x, w, y, d);
      convBackwardInto(x, w, gy, dx, dw, d);
      return [y, dx, dw] as const;
    };
    const a = out("always"), b = out("never");
    for (let i = 0; i < 3; i++) {
      expect(a[i]).not.toEqual(b[i]); // the two paths really ran (different rounding)
      expectClose(a[i]!, b[i]!, null, 1e-5, 1e-4, `always vs never, ${["forward", "input grad", "weight grad"][i]}`);
    }
    expect(() => setWinogradPolicy("sometimes" as never)).toThrow(TypeError);
  });

  it("'auto' takes Winograd for ≥ 8 channels on maps ≥ 6 wide, im2col for thinner channels and 4×4 maps", () => {
    setKernelBackend("wasm", { variant: "auto" });
    const forward = (c: Case, p: "always" | "never" | "auto") => {
      setWinogradPolicy(p);
      const image = im2colGeometry(1, c.C, c.H, c.W, 3, 3, 1, 1, 1);
      const x = randArray(Float32Array, c.N * c.C * c.H * c.W, 3) as Float32Array;
      const w = randArray(Float32Array, c.Cout * image.K, 4) as Float32Array;
      const y = new Float32Array(c.N * c.Cout * image.L);
      convForwardInto(x, w, y, { N: c.N, Cout: c.Cout, groups: 1, image });
      return y;
    };
    const picks = (c: Case) => {
      const auto = forward(c, "auto"), always = forward(c, "always"), never = forward(c, "never");
      expect(always).not.toEqual(never);
      if (auto.every((v, i) => Object.is(v, always[i]))) return "winograd";
      expect(auto).toEqual(never);
      return "im2col";
    };
    expect(picks(conv3(2, 16, 8, 8, 32, 1))).toBe("winograd");
    expect(picks(conv3(2, 32, 6, 6, 16, 1))).toBe("winograd"); // 3 of 4 tile columns real
    expect(picks(conv3(2, 8, 8, 8, 32, 1))).toBe("winograd"); // 8 input channels
    expect(picks(conv3(2, 4, 8, 8, 32, 1))).toBe("im2col"); // 4 input channels
    expect(picks(conv3(4, 32, 4, 4, 32, 1))).toBe("im2col"); // 2 of 4 tile columns real
    expect(picks(conv3(1, 32, 2, 2, 32, 1))).toBe("im2col"); // 4 tile columns in all
  });
});
