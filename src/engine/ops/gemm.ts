import type { TypedArray } from "../dtype";

// Matrix multiply on raw arrays: out[m×n] = op(a)·op(b), op(a) m×k (stored k×m when transA),
// op(b) k×n (stored n×k when transB). i-k-j order keeps the inner loop on contiguous rows.
export function gemm(
  a: TypedArray, aOff: number, b: TypedArray, bOff: number, out: TypedArray, outOff: number,
  m: number, k: number, n: number, transA: boolean, transB: boolean,
): void {
  for (let i = 0; i < m * n; i++) out[outOff + i] = 0;
  if (!transB) {
    for (let i = 0; i < m; i++) {
      const o = outOff + i * n;
      for (let p = 0; p < k; p++) {
        const av = transA ? a[aOff + p * m + i] : a[aOff + i * k + p];
        const bRow = bOff + p * n;
        for (let j = 0; j < n; j++) out[o + j] += av * b[bRow + j];
      }
    }
    return;
  }
  // b stored n×k: dot products of rows
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < n; j++) {
      let acc = 0;
      const bRow = bOff + j * k;
      if (transA) for (let p = 0; p < k; p++) acc += a[aOff + p * m + i] * b[bRow + p];
      else {
        const aRow = aOff + i * k;
        for (let p = 0; p < k; p++) acc += a[aRow + p] * b[bRow + p];
      }
      out[outOff + i * n + j] = acc;
    }
  }
}
