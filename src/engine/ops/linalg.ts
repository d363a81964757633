import type { Tensor } from "../tensor";
import { allocate } from "../dtype";
import { record } from "../autograd/record";
import { contiguousData, makeTensor } from "./kernel";
import { matmul } from "./matmul";
import { mul, neg } from "./binary";
import { transpose, unsqueeze } from "./shapeOps";
import { registerOp } from "./registry";

// Matrix inverse and determinant of (batches of) square matrices by Gaussian elimination with
// partial pivoting; backward formulas are written with matmul so createGraph works through them.

function checkSquare(x: Tensor, op: string): number {
  const n = x.shape[x.dim() - 1];
  if (x.dim() < 2 || x.shape[x.dim() - 2] !== n) {
    throw new Error(`linalg.${op}: A must be batches of square matrices, but they are ${x.shape[x.dim() - 2]} by ${n} matrices`);
  }
  return n;
}

/** LU-decomposes each matrix; returns the inverse (if asked) and the determinant. */
function eliminate(a: Float64Array, n: number, wantInverse: boolean): { inv: Float64Array | null; det: number } {
  const m = Float64Array.from(a);
  const inv = wantInverse ? new Float64Array(n * n) : null;
  if (inv) for (let i = 0; i < n; i++) inv[i * n + i] = 1;
  let det = 1;
  for (let c = 0; c < n; c++) {
    let p = c;
    for (let r = c + 1; r < n; r++) if (Math.abs(m[r * n + c]) > Math.abs(m[p * n + c])) p = r;
    if (m[p * n + c] === 0) return { inv: null, det: 0 };
    if (p !== c) {
      det = -det;
      for (let k = 0; k < n; k++) {
        [m[c * n + k], m[p * n + k]] = [m[p * n + k], m[c * n + k]];
        if (inv) [inv[c * n + k], inv[p * n + k]] = [inv[p * n + k], inv[c * n + k]];
      }
    }
    const piv = m[c * n + c];
    det *= piv;
    for (let k = 0; k < n; k++) {
      m[c * n + k] /= piv;
      if (inv) inv[c * n + k] /= piv;
    }
    for (let r = 0; r < n; r++) {
      if (r === c) continue;
      const f = m[r * n + c];
      if (f === 0) continue;
      for (let k = 0; k < n; k++) {
        m[r * n + k] -= f * m[c * n + k];
        if (inv) inv[r * n + k] -= f * inv[c * n + k];
      }
    }
  }
  return { inv, det };
}

function perMatrix(x: Tensor, n: number, f: (a: Float64Array, out: number) => void): void {
  const data = contiguousData(x);
  const batch = n === 0 ? 0 : data.length / (n * n);
  for (let b = 0; b < batch; b++) f(Float64Array.from(data.subarray(b * n * n, (b + 1) * n * n)), b);
}

registerOp({ name: "inverse", gradFns: ["LinalgInvExBackward0"] });
export function inverse(x: Tensor): Tensor {
  const n = checkSquare(x, "inv");
  const out = allocate(x.dtype, x.numel());
  perMatrix(x, n, (a, b) => {
    const { inv } = eliminate(a, n, true);
    if (inv === null) throw new Error("linalg.inv: The diagonal element 1 is zero, the inversion could not be completed because the input matrix is singular.");
    out.set(inv, b * n * n);
  });
  const result = makeTensor(out, x.shape, x.dtype);
  return record("inverse", "LinalgInvExBackward0", [x], result, (g, node) => {
    const invT = transpose(node.saved(0), -2, -1);
    return [neg(matmul(matmul(invT, g), invT))];
  }, { savedOutputs: [result] });
}

registerOp({ name: "det", gradFns: ["LinalgDetBackward0"] });
export function det(x: Tensor): Tensor {
  const n = checkSquare(x, "det");
  const batchShape = x.shape.slice(0, -2);
  const out = allocate(x.dtype, x.numel() / Math.max(n * n, 1));
  perMatrix(x, n, (a, b) => (out[b] = eliminate(a, n, false).det));
  const result = makeTensor(out, batchShape, x.dtype);
  return record("det", "LinalgDetBackward0", [x], result, (g, node) => {
    // d det / dA = det · A^{-T}
    const invT = transpose(inverse(node.saved(0)), -2, -1);
    return [mul(unsqueeze(unsqueeze(mul(g, node.saved(1)), -1), -1), invT)];
  }, { saved: [x], savedOutputs: [result] });
}
