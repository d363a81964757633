// @ts-nocheck -- AssemblyScript source (compiled by scripts/build-wasm.mjs), not plain TypeScript.
//
// Winograd F(2×2, 3×3) transforms for a 3×3, stride-1 float32 convolution (Lavin & Gray 2015):
//   Y = Aᵀ [ (G g Gᵀ) ⊙ (Bᵀ d Bᵀᵀ) ] A   per 2×2 output tile, d its 4×4 input tile (stride 2)
// The ⊙ summed over input channels is 16 GEMMs (one per ξ = 4·i + j of the 4×4 tile), run by the
// host with the existing sgemm between these transforms:
//   U[ξ][rows][cols]   the transformed weight (rows = Cout, cols = C; the input gradient's flipped)
//   V[ξ][C][T]         the transformed input tiles, T tiles (images' tiles one after the other)
//   M[ξ][Cout][T] = U[ξ] · V[ξ]
// Tiles are numbered per image as th·tWp + tw with tWp a multiple of 4, so four neighbouring tiles
// are one f32x4 lane each (the columns past the map are zero padding: they cost GEMM columns only
// where the map's tile row is not a multiple of 4 wide).

/** Rows of the zero-padded plane an input transform reads; the host sizes its buffer with it. */
export function winogradPlaneFloats(tH: i32, tWp: i32): i32 {
  return (2 * tH + 2) * (2 * tWp + 2) + 8;
}

/**
 * U[ξ][co][c] = (G w[co][c] Gᵀ)[ξ] for w [Cout][C][3][3]; with `flip`, the input gradient's weight:
 * U[ξ][c][co] from w[co][c] rotated by 180° (the full correlation with Cout and C swapped). ξ blocks
 * are ldXi floats apart.
 */
export function winogradWeightF32(w: usize, U: usize, Cout: i32, C: i32, flip: bool, ldXi: i32): void {
  const plane = <usize>ldXi;
  for (let co = 0; co < Cout; co++) {
    for (let c = 0; c < C; c++) {
      const g = w + ((<usize>(co * C + c) * 9) << 2);
      const dst = U + ((flip ? <usize>c * <usize>Cout + <usize>co : <usize>co * <usize>C + <usize>c) << 2);
      // k[a][b] = g[a][b], or g[2 − a][2 − b] flipped
      let k0 = load<f32>(g, 0), k1 = load<f32>(g, 4), k2 = load<f32>(g, 8);
      let k3 = load<f32>(g, 12), k4 = load<f32>(g, 16), k5 = load<f32>(g, 20);
      let k6 = load<f32>(g, 24), k7 = load<f32>(g, 28), k8 = load<f32>(g, 32);
      if (flip) {
        let t = k0; k0 = k8; k8 = t;
        t = k1; k1 = k7; k7 = t;
        t = k2; k2 = k6; k6 = t;
        t = k3; k3 = k5; k5 = t;
      }
      // G k: rows r0 = k row 0, r1 = (row0 + row1 + row2)/2, r2 = (row0 − row1 + row2)/2, r3 = row 2
      const a0 = k0, a1 = k1, a2 = k2;
      const b0 = <f32>0.5 * (k0 + k3 + k6), b1 = <f32>0.5 * (k1 + k4 + k7), b2 = <f32>0.5 * (k2 + k5 + k8);
      const c0 = <f32>0.5 * (k0 - k3 + k6), c1 = <f32>0.5 * (k1 - k4 + k7), c2 = <f32>0.5 * (k2 - k5 + k8);
      const d0 = k6, d1 = k7, d2 = k8;
      storeRow(dst, plane, 0, a0, a1, a2);
      storeRow(dst, plane, 4, b0, b1, b2);
      storeRow(dst, plane, 8, c0, c1, c2);
      storeRow(dst, plane, 12, d0, d1, d2);
    }
  }
}

/** (G k Gᵀ)'s row i: the same combination over a row of G k, into ξ = xi0 … xi0 + 3. */
@inline
function storeRow(dst: usize, plane: usize, xi0: i32, r0: f32, r1: f32, r2: f32): void {
  const s = plane << 2;
  store<f32>(dst + <usize>xi0 * s, r0);
  store<f32>(dst + <usize>(xi0 + 1) * s, <f32>0.5 * (r0 + r1 + r2));
  store<f32>(dst + <usize>(xi0 + 2) * s, <f32>0.5 * (r0 - r1 + r2));
  store<f32>(dst + <usize>(xi0 + 3) * s, r2);
}

/**
 * V's columns t0 … of one image's channel plane x (H × W, zero-padded by pH, pW): tH × tWp tiles,
 * tile (th, tw) at column t0 + th·tWp + tw of V's row `row` in every ξ block (ξ blocks `ldXi`
 * floats apart, rows `T` floats apart). `pad` is the host's scratch of winogradPlaneFloats floats.
 */
export function winogradInputPlaneF32(
  x: usize, H: i32, W: i32, pH: i32, pW: i32, tH: i32, tWp: i32,
  V: usize, ldXi: i32, T: i32, row: i32, t0: i32, pad: usize,
): void {
  const Wp = 2 * tWp + 2;
  const Hp = 2 * tH + 2;
  // the padded plane: every float written once (zeros around the copied rows)
  for (let r = 0; r < Hp; r++) {
    const dst = pad + ((<usize>r * <usize>Wp) << 2);
    const ih = r - pH;
    if (ih < 0 || ih >= H) {
      zero(dst, Wp);
      continue;
    }
    // columns [pW, pW + W) ∩ [0, Wp) come from the row; the rest are zero
    const lo = min(Wp, max(0, pW));
    const hi = min(Wp, pW + W);
    zero(dst, lo);
    const src = x + ((<usize>(ih * W + lo - pW)) << 2);
    copy(dst + (<usize>lo << 2), src, hi - lo);
    zero(dst + (<usize>max(lo, hi) << 2), Wp - max(lo, hi));
  }
  const xiBytes = <usize>ldXi << 2;
  for (let th = 0; th < tH; th++) {
    const out0 = V + ((<usize>row * <usize>T + <usize>(t0 + th * tWp)) << 2);
    const rowBase = pad + ((<usize>(2 * th) * <usize>Wp) << 2);
    for (let tw = 0; tw < tWp; tw += 4) {
      const base = rowBase + (<usize>(2 * tw) << 2);
      const rb = <usize>Wp << 2;
      // tB = d·B for each of the tile's 4 rows, four tiles per vector
      let a = v128.load(base), b = v128.load(base, 16), c = v128.load(base, 8), d = v128.load(base, 24);
      let e0 = v128.shuffle<f32>(a, b, 0, 2, 4, 6), e1 = v128.shuffle<f32>(a, b, 1, 3, 5, 7);
      let e2 = v128.shuffle<f32>(c, d, 0, 2, 4, 6), e3 = v128.shuffle<f32>(c, d, 1, 3, 5, 7);
      const r00 = f32x4.sub(e0, e2), r01 = f32x4.add(e1, e2), r02 = f32x4.sub(e2, e1), r03 = f32x4.sub(e1, e3);
      a = v128.load(base + rb); b = v128.load(base + rb, 16); c = v128.load(base + rb, 8); d = v128.load(base + rb, 24);
      e0 = v128.shuffle<f32>(a, b, 0, 2, 4, 6); e1 = v128.shuffle<f32>(a, b, 1, 3, 5, 7);
      e2 = v128.shuffle<f32>(c, d, 0, 2, 4, 6); e3 = v128.shuffle<f32>(c, d, 1, 3, 5, 7);
      const r10 = f32x4.sub(e0, e2), r11 = f32x4.add(e1, e2), r12 = f32x4.sub(e2, e1), r13 = f32x4.sub(e1, e3);
      a = v128.load(base + 2 * rb); b = v128.load(base + 2 * rb, 16); c = v128.load(base + 2 * rb, 8); d = v128.load(base + 2 * rb, 24);
      e0 = v128.shuffle<f32>(a, b, 0, 2, 4, 6); e1 = v128.shuffle<f32>(a, b, 1, 3, 5, 7);
      e2 = v128.shuffle<f32>(c, d, 0, 2, 4, 6); e3 = v128.shuffle<f32>(c, d, 1, 3, 5, 7);
      const r20 = f32x4.sub(e0, e2), r21 = f32x4.add(e1, e2), r22 = f32x4.sub(e2, e1), r23 = f32x4.sub(e1, e3);
      a = v128.load(base + 3 * rb); b = v128.load(base + 3 * rb, 16); c = v128.load(base + 3 * rb, 8); d = v128.load(base + 3 * rb, 24);
      e0 = v128.shuffle<f32>(a, b, 0, 2, 4, 6); e1 = v128.shuffle<f32>(a, b, 1, 3, 5, 7);
      e2 = v128.shuffle<f32>(c, d, 0, 2, 4, 6); e3 = v128.shuffle<f32>(c, d, 1, 3, 5, 7);
      const r30 = f32x4.sub(e0, e2), r31 = f32x4.add(e1, e2), r32 = f32x4.sub(e2, e1), r33 = f32x4.sub(e1, e3);
      // V = Bᵀ·(d·B): the same combination down the rows
      const o = out0 + (<usize>tw << 2);
      v128.store(o, f32x4.sub(r00, r20));
      v128.store(o + xiBytes, f32x4.sub(r01, r21));
      v128.store(o + 2 * xiBytes, f32x4.sub(r02, r22));
      v128.store(o + 3 * xiBytes, f32x4.sub(r03, r23));
      v128.store(o + 4 * xiBytes, f32x4.add(r10, r20));
      v128.store(o + 5 * xiBytes, f32x4.add(r11, r21));
      v128.store(o + 6 * xiBytes, f32x4.add(r12, r22));
      v128.store(o + 7 * xiBytes, f32x4.add(r13, r23));
      v128.store(o + 8 * xiBytes, f32x4.sub(r20, r10));
      v128.store(o + 9 * xiBytes, f32x4.sub(r21, r11));
      v128.store(o + 10 * xiBytes, f32x4.sub(r22, r12));
      v128.store(o + 11 * xiBytes, f32x4.sub(r23, r13));
      v128.store(o + 12 * xiBytes, f32x4.sub(r10, r30));
      v128.store(o + 13 * xiBytes, f32x4.sub(r11, r31));
      v128.store(o + 14 * xiBytes, f32x4.sub(r12, r32));
      v128.store(o + 15 * xiBytes, f32x4.sub(r13, r33));
    }
  }
}

/**
 * One output plane y (outH × outW) from M's row `row` (tiles as in winogradInputPlaneF32): Y = Aᵀ M A
 * per tile. Maps whose tile grid overhangs them (odd sizes, tile rows padded to 4) go through the
 * host's scratch `pad` (4·tH·tWp floats) and are cropped.
 */
export function winogradOutputPlaneF32(
  M: usize, ldXi: i32, T: i32, row: i32, t0: i32, tH: i32, tWp: i32,
  y: usize, outH: i32, outW: i32, pad: usize,
): void {
  const Wo = 2 * tWp;
  const direct = outW == Wo && outH == 2 * tH;
  const dst = direct ? y : pad;
  const xiBytes = <usize>ldXi << 2;
  for (let th = 0; th < tH; th++) {
    const in0 = M + ((<usize>row * <usize>T + <usize>(t0 + th * tWp)) << 2);
    const o0 = dst + ((<usize>(2 * th) * <usize>Wo) << 2);
    for (let tw = 0; tw < tWp; tw += 4) {
      const m = in0 + (<usize>tw << 2);
      const m0 = v128.load(m), m1 = v128.load(m + xiBytes), m2 = v128.load(m + 2 * xiBytes), m3 = v128.load(m + 3 * xiBytes);
      const m4 = v128.load(m + 4 * xiBytes), m5 = v128.load(m + 5 * xiBytes), m6 = v128.load(m + 6 * xiBytes), m7 = v128.load(m + 7 * xiBytes);
      const m8 = v128.load(m + 8 * xiBytes), m9 = v128.load(m + 9 * xiBytes), m10 = v128.load(m + 10 * xiBytes), m11 = v128.load(m + 11 * xiBytes);
      const m12 = v128.load(m + 12 * xiBytes), m13 = v128.load(m + 13 * xiBytes), m14 = v128.load(m + 14 * xiBytes), m15 = v128.load(m + 15 * xiBytes);
      // Aᵀ·M: row 0 = M0 + M1 + M2, row 1 = M1 − M2 − M3 (rows of the 4×4 tile)
      const s0 = f32x4.add(f32x4.add(m0, m4), m8), s1 = f32x4.add(f32x4.add(m1, m5), m9);
      const s2 = f32x4.add(f32x4.add(m2, m6), m10), s3 = f32x4.add(f32x4.add(m3, m7), m11);
      const u0 = f32x4.sub(f32x4.sub(m4, m8), m12), u1 = f32x4.sub(f32x4.sub(m5, m9), m13);
      const u2 = f32x4.sub(f32x4.sub(m6, m10), m14), u3 = f32x4.sub(f32x4.sub(m7, m11), m15);
      // ·A: column 0 = c0 + c1 + c2, column 1 = c1 − c2 − c3
      const y00 = f32x4.add(f32x4.add(s0, s1), s2), y01 = f32x4.sub(f32x4.sub(s1, s2), s3);
      const y10 = f32x4.add(f32x4.add(u0, u1), u2), y11 = f32x4.sub(f32x4.sub(u1, u2), u3);
      const o = o0 + (<usize>(2 * tw) << 2);
      v128.store(o, v128.shuffle<f32>(y00, y01, 0, 4, 1, 5));
      v128.store(o, v128.shuffle<f32>(y00, y01, 2, 6, 3, 7), 16);
      v128.store(o + (<usize>Wo << 2), v128.shuffle<f32>(y10, y11, 0, 4, 1, 5));
      v128.store(o + (<usize>Wo << 2), v128.shuffle<f32>(y10, y11, 2, 6, 3, 7), 16);
    }
  }
  if (direct) return;
  for (let r = 0; r < outH; r++) copy(y + ((<usize>r * <usize>outW) << 2), pad + ((<usize>r * <usize>Wo) << 2), outW);
}

/**
 * The input transform of nc images × C channels (images C·H·W floats apart from x) into V (rows =
 * channels, T = nc·tH·tWp columns, ξ blocks ldXi ≥ C·T floats apart).
 */
export function winogradInputF32(
  x: usize, nc: i32, C: i32, H: i32, W: i32, pH: i32, pW: i32, tH: i32, tWp: i32, V: usize, ldXi: i32, pad: usize,
): void {
  const T = nc * tH * tWp;
  const plane = <usize>H * <usize>W;
  for (let c = 0; c < C; c++) {
    for (let n = 0; n < nc; n++) {
      winogradInputPlaneF32(
        x + ((<usize>(n * C + c) * plane) << 2), H, W, pH, pW, tH, tWp, V, ldXi, T, c, n * tH * tWp, pad,
      );
    }
  }
}

/** The output transform of M (rows = Cout, ξ blocks ldXi apart, as winogradInputF32's V) into nc images y (Cout·outH·outW floats apart). */
export function winogradOutputF32(
  M: usize, ldXi: i32, nc: i32, Cout: i32, tH: i32, tWp: i32, y: usize, outH: i32, outW: i32, pad: usize,
): void {
  const T = nc * tH * tWp;
  const plane = <usize>outH * <usize>outW;
  for (let co = 0; co < Cout; co++) {
    for (let n = 0; n < nc; n++) {
      winogradOutputPlaneF32(M, ldXi, T, co, n * tH * tWp, tH, tWp, y + ((<usize>(n * Cout + co) * plane) << 2), outH, outW, pad);
    }
  }
}

@inline
function copy(dst: usize, src: usize, n: i32): void {
  let i = 0;
  for (; i + 4 <= n; i += 4) v128.store(dst + (<usize>i << 2), v128.load(src + (<usize>i << 2)));
  for (; i < n; i++) store<f32>(dst + (<usize>i << 2), load<f32>(src + (<usize>i << 2)));
}

@inline
function zero(dst: usize, n: i32): void {
  let i = 0;
  for (; i + 4 <= n; i += 4) v128.store(dst + (<usize>i << 2), f32x4.splat(0));
  for (; i < n; i++) store<f32>(dst + (<usize>i << 2), 0);
}

// The weight gradient: with Y = Aᵀ[(G g Gᵀ) ⊙ V]A per tile,
//   dg = Gᵀ [ Σ_tiles (A dY Aᵀ) ⊙ V ] G
// so per ξ one product over the tiles: S[ξ][co][c] = Σ_t Ĝ[ξ][co][t] · V[ξ][c][t], with Ĝ the output
// gradient's 2×2 tiles transformed (zero past the map: padded tiles and the odd edge add nothing).

/**
 * Ĝ's columns for nc images' output gradients gy (Cout planes of outH × outW each), tiles as in
 * winogradInputF32 (rows = Cout, ξ blocks ldXi apart); `pad` holds 4·tH·tWp floats.
 */
export function winogradGradOutputF32(
  gy: usize, nc: i32, Cout: i32, outH: i32, outW: i32, tH: i32, tWp: i32, G: usize, ldXi: i32, pad: usize,
): void {
  const T = nc * tH * tWp;
  const Wo = 2 * tWp;
  const plane = <usize>outH * <usize>outW;
  const direct = outW == Wo && outH == 2 * tH;
  const xiBytes = <usize>ldXi << 2;
  for (let co = 0; co < Cout; co++) {
    for (let n = 0; n < nc; n++) {
      let src = gy + ((<usize>(n * Cout + co) * plane) << 2);
      if (!direct) {
        // the plane, zero-padded to the tile grid
        for (let r = 0; r < 2 * tH; r++) {
          const dst = pad + ((<usize>r * <usize>Wo) << 2);
          if (r < outH) {
            copy(dst, src + ((<usize>r * <usize>outW) << 2), outW);
            zero(dst + (<usize>outW << 2), Wo - outW);
          } else {
            zero(dst, Wo);
          }
        }
        src = pad;
      }
      const t0 = n * tH * tWp;
      for (let th = 0; th < tH; th++) {
        const out0 = G + ((<usize>co * <usize>T + <usize>(t0 + th * tWp)) << 2);
        const r0 = src + ((<usize>(2 * th) * <usize>Wo) << 2), r1 = r0 + (<usize>Wo << 2);
        for (let tw = 0; tw < tWp; tw += 4) {
          const c = <usize>(2 * tw) << 2;
          const a = v128.load(r0 + c), b = v128.load(r0 + c, 16), e = v128.load(r1 + c), f = v128.load(r1 + c, 16);
          const g00 = v128.shuffle<f32>(a, b, 0, 2, 4, 6), g01 = v128.shuffle<f32>(a, b, 1, 3, 5, 7);
          const g10 = v128.shuffle<f32>(e, f, 0, 2, 4, 6), g11 = v128.shuffle<f32>(e, f, 1, 3, 5, 7);
          // A·g: rows (g0), (g0 + g1), (g0 − g1), (−g1); then each row (p, q) → (p, p + q, p − q, −q)
          const o = out0 + (<usize>tw << 2);
          gradRow(o, xiBytes, 0, g00, g01);
          gradRow(o, xiBytes, 4, f32x4.add(g00, g10), f32x4.add(g01, g11));
          gradRow(o, xiBytes, 8, f32x4.sub(g00, g10), f32x4.sub(g01, g11));
          gradRow(o, xiBytes, 12, f32x4.neg(g10), f32x4.neg(g11));
        }
      }
    }
  }
}

@inline
function gradRow(o: usize, xiBytes: usize, xi0: i32, p: v128, q: v128): void {
  v128.store(o + <usize>xi0 * xiBytes, p);
  v128.store(o + <usize>(xi0 + 1) * xiBytes, f32x4.add(p, q));
  v128.store(o + <usize>(xi0 + 2) * xiBytes, f32x4.sub(p, q));
  v128.store(o + <usize>(xi0 + 3) * xiBytes, f32x4.neg(q));
}

/** dw[co][c] (3 × 3) = Gᵀ S[·][co][c] G from the summed products S (rows = Cout, cols = C, ξ blocks ldXi apart). */
export function winogradWeightGradF32(S: usize, ldXi: i32, Cout: i32, C: i32, dw: usize): void {
  const xs = <usize>ldXi << 2;
  for (let co = 0; co < Cout; co++) {
    for (let c = 0; c < C; c++) {
      const s = S + ((<usize>co * <usize>C + <usize>c) << 2);
      // Gᵀ·S: rows a = S0 + (S1 + S2)/2, b = (S1 − S2)/2, d = (S1 + S2)/2 + S3 (rows of the 4×4)
      const s0 = load<f32>(s), s1 = load<f32>(s + xs), s2 = load<f32>(s + 2 * xs), s3 = load<f32>(s + 3 * xs);
      const s4 = load<f32>(s + 4 * xs), s5 = load<f32>(s + 5 * xs), s6 = load<f32>(s + 6 * xs), s7 = load<f32>(s + 7 * xs);
      const s8 = load<f32>(s + 8 * xs), s9 = load<f32>(s + 9 * xs), s10 = load<f32>(s + 10 * xs), s11 = load<f32>(s + 11 * xs);
      const s12 = load<f32>(s + 12 * xs), s13 = load<f32>(s + 13 * xs), s14 = load<f32>(s + 14 * xs), s15 = load<f32>(s + 15 * xs);
      const h: f32 = 0.5;
      const a0 = s0 + h * (s4 + s8), a1 = s1 + h * (s5 + s9), a2 = s2 + h * (s6 + s10), a3 = s3 + h * (s7 + s11);
      const b0 = h * (s4 - s8), b1 = h * (s5 - s9), b2 = h * (s6 - s10), b3 = h * (s7 - s11);
      const d0 = h * (s4 + s8) + s12, d1 = h * (s5 + s9) + s13, d2 = h * (s6 + s10) + s14, d3 = h * (s7 + s11) + s15;
      const o = dw + ((<usize>(co * C + c) * 9) << 2);
      // ·G: each row (p0, p1, p2, p3) → (p0 + (p1 + p2)/2, (p1 − p2)/2, (p1 + p2)/2 + p3)
      store<f32>(o, a0 + h * (a1 + a2)); store<f32>(o, h * (a1 - a2), 4); store<f32>(o, h * (a1 + a2) + a3, 8);
      store<f32>(o, b0 + h * (b1 + b2), 12); store<f32>(o, h * (b1 - b2), 16); store<f32>(o, h * (b1 + b2) + b3, 20);
      store<f32>(o, d0 + h * (d1 + d2), 24); store<f32>(o, h * (d1 - d2), 28); store<f32>(o, h * (d1 + d2) + d3, 32);
    }
  }
}
