/**
 * Pure TypeScript matrix multiply: reference implementation and fallback when
 * WebAssembly is unavailable. Works on Float32Array and Float64Array (or any
 * mix of them), contiguous row-major storage.
 *
 *   out[m×n] (= | +=) op(a)[m×k] · op(b)[k×n]
 *   op(a) = a (stored m×k)   or aᵀ (a stored k×m) when transA
 *   op(b) = b (stored k×n)   or bᵀ (b stored n×k) when transB
 *
 * Loop orders are chosen so the innermost loop always walks contiguous memory:
 *  - b not transposed: i-k-j ("axpy" rows), four k-steps fused per pass over the
 *    output row to cut load/store traffic on `out`;
 *  - b transposed: b is transposed (32×32 tiles) into a reused scratch and the
 *    i-k-j loop runs on it; for fewer than 8 output rows each output element
 *    is instead a dot product of a row of op(a) (gathered into a scratch row
 *    when a is transposed) with a row of b, four output columns at a time.
 * No allocation happens inside the loops; scratch buffers are reused.
 *
 * Inputs must not alias `out`.
 */

export type FloatArray = Float32Array | Float64Array;

let scratchRow = new Float64Array(256);
let scratchB32 = new Float32Array(0);
let scratchB64 = new Float64Array(0);

/** Below this many output rows, b transposed is handled with dot products instead of transposing b. */
const TRANSPOSE_B_MIN_ROWS = 8;

/** Transposes b (stored n×k from bOff) into a reused k×n scratch of the same type. */
function transposedB(b: FloatArray, k: number, n: number, bOff: number): FloatArray {
  const len = k * n;
  let t: FloatArray;
  if (b instanceof Float32Array) {
    if (scratchB32.length < len) scratchB32 = new Float32Array(Math.max(len, scratchB32.length * 2));
    t = scratchB32;
  } else {
    if (scratchB64.length < len) scratchB64 = new Float64Array(Math.max(len, scratchB64.length * 2));
    t = scratchB64;
  }
  // 32×32 tiles keep both sides cache-resident.
  for (let j0 = 0; j0 < n; j0 += 32) {
    const j1 = Math.min(n, j0 + 32);
    for (let p0 = 0; p0 < k; p0 += 32) {
      const p1 = Math.min(k, p0 + 32);
      for (let j = j0; j < j1; j++) {
        const src = bOff + j * k;
        for (let p = p0; p < p1; p++) t[p * n + j] = b[src + p];
      }
    }
  }
  return t;
}

function ensureScratch(len: number): Float64Array {
  if (scratchRow.length < len) scratchRow = new Float64Array(Math.max(len, scratchRow.length * 2));
  return scratchRow;
}

/** b stored k×n (not transposed). op(a)[i][p] = a[aOff + i*sAi + p*sAp]. */
function rowsB(
  a: FloatArray, b: FloatArray, out: FloatArray,
  m: number, k: number, n: number,
  sAi: number, sAp: number, accumulate: boolean,
  aOff: number, bOff: number, outOff: number,
): void {
  const k4 = k - (k % 4);
  for (let i = 0; i < m; i++) {
    const o = outOff + i * n;
    if (!accumulate) out.fill(0, o, o + n);
    const ai = aOff + i * sAi;
    let p = 0;
    for (; p < k4; p += 4) {
      const a0 = a[ai + p * sAp];
      const a1 = a[ai + (p + 1) * sAp];
      const a2 = a[ai + (p + 2) * sAp];
      const a3 = a[ai + (p + 3) * sAp];
      const b0 = bOff + p * n;
      const b1 = b0 + n;
      const b2 = b1 + n;
      const b3 = b2 + n;
      for (let j = 0; j < n; j++) {
        out[o + j] += a0 * b[b0 + j] + a1 * b[b1 + j] + a2 * b[b2 + j] + a3 * b[b3 + j];
      }
    }
    for (; p < k; p++) {
      const a0 = a[ai + p * sAp];
      if (a0 === 0) continue;
      const b0 = bOff + p * n;
      for (let j = 0; j < n; j++) out[o + j] += a0 * b[b0 + j];
    }
  }
}

/** b stored n×k (transposed). op(a)[i][p] = a[aOff + i*sAi + p*sAp]. */
function dotsB(
  a: FloatArray, b: FloatArray, out: FloatArray,
  m: number, k: number, n: number,
  sAi: number, sAp: number, accumulate: boolean,
  aOff: number, bOff: number, outOff: number,
): void {
  const row = ensureScratch(k);
  const n4 = n - (n % 4);
  for (let i = 0; i < m; i++) {
    const ai = aOff + i * sAi;
    for (let p = 0; p < k; p++) row[p] = a[ai + p * sAp];
    const o = outOff + i * n;
    let j = 0;
    for (; j < n4; j += 4) {
      const r0 = bOff + j * k;
      const r1 = r0 + k;
      const r2 = r1 + k;
      const r3 = r2 + k;
      let s0 = 0, s1 = 0, s2 = 0, s3 = 0;
      for (let p = 0; p < k; p++) {
        const x = row[p];
        s0 += x * b[r0 + p];
        s1 += x * b[r1 + p];
        s2 += x * b[r2 + p];
        s3 += x * b[r3 + p];
      }
      if (accumulate) {
        out[o + j] += s0; out[o + j + 1] += s1; out[o + j + 2] += s2; out[o + j + 3] += s3;
      } else {
        out[o + j] = s0; out[o + j + 1] = s1; out[o + j + 2] = s2; out[o + j + 3] = s3;
      }
    }
    for (; j < n; j++) {
      const r0 = bOff + j * k;
      let s0 = 0;
      for (let p = 0; p < k; p++) s0 += row[p] * b[r0 + p];
      if (accumulate) out[o + j] += s0;
      else out[o + j] = s0;
    }
  }
}

function checkArgs(
  a: FloatArray, b: FloatArray, out: FloatArray, m: number, k: number, n: number,
  aOff: number, bOff: number, outOff: number,
): void {
  if (!(m >= 0 && k >= 0 && n >= 0) || (m | 0) !== m || (k | 0) !== k || (n | 0) !== n) {
    throw new RangeError(`matmul: bad sizes m=${m} k=${k} n=${n}`);
  }
  if (aOff + m * k > a.length || bOff + k * n > b.length || outOff + m * n > out.length) {
    throw new RangeError(
      `matmul: operand too short (a ${a.length} < ${aOff + m * k}, b ${b.length} < ${bOff + k * n}, ` +
        `out ${out.length} < ${outOff + m * n})`,
    );
  }
}

/**
 * out[outOff..] (= | +=) op(a)·op(b). See the module comment for layouts.
 */
export function matmulInto(
  a: FloatArray, b: FloatArray, out: FloatArray,
  m: number, k: number, n: number,
  transA: boolean, transB: boolean, accumulate = false,
  aOff = 0, bOff = 0, outOff = 0,
): void {
  checkArgs(a, b, out, m, k, n, aOff, bOff, outOff);
  matmulIntoUnchecked(a, b, out, m, k, n, transA, transB, accumulate, aOff, bOff, outOff);
}

/** As matmulInto without argument checks (callers that already validated). */
export function matmulIntoUnchecked(
  a: FloatArray, b: FloatArray, out: FloatArray,
  m: number, k: number, n: number,
  transA: boolean, transB: boolean, accumulate: boolean,
  aOff: number, bOff: number, outOff: number,
): void {
  if (m === 0 || n === 0) return;
  if (k === 0) {
    if (!accumulate) out.fill(0, outOff, outOff + m * n);
    return;
  }
  const sAi = transA ? 1 : k;
  const sAp = transA ? m : 1;
  if (transB && m < TRANSPOSE_B_MIN_ROWS) dotsB(a, b, out, m, k, n, sAi, sAp, accumulate, aOff, bOff, outOff);
  else if (transB) rowsB(a, transposedB(b, k, n, bOff), out, m, k, n, sAi, sAp, accumulate, aOff, 0, outOff);
  else rowsB(a, b, out, m, k, n, sAi, sAp, accumulate, aOff, bOff, outOff);
}

export function checkBatchArgs(
  a: FloatArray, b: FloatArray, out: FloatArray, batch: number,
  m: number, k: number, n: number,
  strideA: number, strideB: number, strideOut: number,
  aOff: number, bOff: number, outOff: number, accumulate: boolean,
): void {
  if (!(batch >= 0) || (batch | 0) !== batch) throw new RangeError(`bmm: bad batch ${batch}`);
  if (batch === 0) return;
  const last = batch - 1;
  checkArgs(a, b, out, m, k, n, aOff + last * strideA, bOff + last * strideB, outOff + last * strideOut);
  // strideOut = 0 with accumulate sums all products into one matrix (the
  // gradient of a broadcast operand); other overlapping outputs are an error.
  if (batch > 1 && strideOut < m * n && !(strideOut === 0 && accumulate)) {
    throw new RangeError(`bmm: strideOut ${strideOut} < m*n ${m * n} (only 0 with accumulate is allowed)`);
  }
}

/**
 * Batched matmul: for t in [0, batch):
 *   out[outOff + t*strideOut] (= | +=) op(a[aOff + t*strideA]) · op(b[bOff + t*strideB])
 * A stride of 0 broadcasts one matrix over the batch; strideOut = 0 together
 * with accumulate sums the batch into one output matrix.
 */
export function bmmInto(
  a: FloatArray, b: FloatArray, out: FloatArray,
  batch: number, m: number, k: number, n: number,
  transA: boolean, transB: boolean,
  strideA: number, strideB: number, strideOut: number,
  accumulate = false, aOff = 0, bOff = 0, outOff = 0,
): void {
  checkBatchArgs(a, b, out, batch, m, k, n, strideA, strideB, strideOut, aOff, bOff, outOff, accumulate);
  for (let t = 0; t < batch; t++) {
    matmulIntoUnchecked(
      a, b, out, m, k, n, transA, transB, accumulate,
      aOff + t * strideA, bOff + t * strideB, outOff + t * strideOut,
    );
  }
}
