import type { Tensor } from "../tensor";
import { allocate, promote, type DType } from "../dtype";
import { record } from "../autograd/record";
import { contiguousData, makeTensor } from "./kernel";
import { bmmInto, matmulInto, type FloatArray } from "../kernels/matmul";
import { expand, reshape, squeeze, transpose, unsqueeze } from "./shapeOps";
import { mul } from "./binary";
import { registerOp } from "./registry";

// mm / bmm call the matmul kernels (wasm SIMD, or the JS fallback) directly on the operands' storage
// when they are contiguous or a transposed contiguous matrix (the usual case in backward: W.T, X.T),
// so no copy is made.

interface Operand {
  data: FloatArray;
  offset: number;
  trans: boolean;
}

/** Reads the last two dims of x as a row-major matrix, or as the transpose of one. */
function operand(x: Tensor): Operand {
  const nd = x.dim();
  const rows = x.shape[nd - 2], cols = x.shape[nd - 1];
  const rs = x.strides[nd - 2], cs = x.strides[nd - 1];
  const batchContiguous = nd === 2 || x.strides[0] === rows * cols || x.shape[0] === 1;
  const data = x.storage.data as FloatArray;
  if (batchContiguous && (cs === 1 || cols === 1) && (rs === cols || rows === 1)) return { data, offset: x.offset, trans: false };
  if (batchContiguous && (rs === 1 || rows === 1) && (cs === rows || cols === 1)) return { data, offset: x.offset, trans: true };
  return { data: contiguousData(x) as FloatArray, offset: 0, trans: false };
}

function asDtypeData(op: Operand, dtype: DType, x: Tensor): Operand {
  if (x.dtype === dtype) return op;
  const converted = allocate(dtype, x.numel()) as FloatArray;
  converted.set(contiguousData(x));
  return { data: converted, offset: 0, trans: false };
}

/** The dtype of a matrix product; bool has no matmul kernel in PyTorch either. */
function productDtype(a: Tensor, b: Tensor): DType {
  const dtype = promote(a.dtype, b.dtype);
  if (dtype === "bool") throw new Error(`"addmm_impl_cpu_" not implemented for 'Bool'`);
  return dtype;
}

registerOp({ name: "mm", gradFns: ["MmBackward0"] });
export function mm(a: Tensor, b: Tensor): Tensor {
  if (a.dim() !== 2) throw new Error(`self must be a matrix`);
  if (b.dim() !== 2) throw new Error(`mat2 must be a matrix`);
  if (a.shape[1] !== b.shape[0]) {
    throw new Error(`mat1 and mat2 shapes cannot be multiplied (${a.shape[0]}x${a.shape[1]} and ${b.shape[0]}x${b.shape[1]})`);
  }
  const [m, k] = a.shape, n = b.shape[1];
  const dtype = productDtype(a, b);
  const out = allocate(dtype, m * n) as FloatArray;
  const A = asDtypeData(operand(a), dtype, a), B = asDtypeData(operand(b), dtype, b);
  matmulInto(A.data, B.data, out, m, k, n, A.trans, B.trans, false, A.offset, B.offset, 0);
  const saved = [b.requiresGrad ? a : null, a.requiresGrad ? b : null].filter((t): t is Tensor => t !== null);
  return record("mm", "MmBackward0", [a, b], makeTensor(out, [m, n], dtype), (g, node) => {
    const savedA = b.requiresGrad ? node.saved(0) : null;
    const savedB = a.requiresGrad ? node.saved(savedA === null ? 0 : 1) : null;
    return [
      node.needsInputGrad[0] ? mm(g, transpose(savedB!, 0, 1)) : null,
      node.needsInputGrad[1] ? mm(transpose(savedA!, 0, 1), g) : null,
    ];
  }, { saved });
}

registerOp({ name: "bmm", gradFns: ["BmmBackward0"] });
export function bmm(a: Tensor, b: Tensor): Tensor {
  if (a.dim() !== 3) throw new Error(`batch1 must be a 3D tensor`);
  if (b.dim() !== 3) throw new Error(`batch2 must be a 3D tensor`);
  if (a.shape[0] !== b.shape[0]) throw new Error(`batch1 and batch2 must have same number of batches, got ${a.shape[0]} and ${b.shape[0]}`);
  if (a.shape[2] !== b.shape[1]) {
    throw new Error(`Expected size for first two dimensions of batch2 tensor to be: [${b.shape[0]}, ${a.shape[2]}] but got: [${b.shape[0]}, ${b.shape[1]}].`);
  }
  const [batch, m, k] = a.shape, n = b.shape[2];
  const dtype = productDtype(a, b);
  const out = allocate(dtype, batch * m * n) as FloatArray;
  const A = asDtypeData(operand(a), dtype, a), B = asDtypeData(operand(b), dtype, b);
  const strideA = a.shape[0] === 1 ? 0 : m * k, strideB = b.shape[0] === 1 ? 0 : k * n;
  bmmInto(A.data, B.data, out, batch, m, k, n, A.trans, B.trans, strideA, strideB, m * n, false, A.offset, B.offset, 0);
  const saved = [b.requiresGrad ? a : null, a.requiresGrad ? b : null].filter((t): t is Tensor => t !== null);
  return record("bmm", "BmmBackward0", [a, b], makeTensor(out, [batch, m, n], dtype), (g, node) => {
    const savedA = b.requiresGrad ? node.saved(0) : null;
    const savedB = a.requiresGrad ? node.saved(savedA === null ? 0 : 1) : null;
    return [
      node.needsInputGrad[0] ? bmm(g, transpose(savedB!, 1, 2)) : null,
      node.needsInputGrad[1] ? bmm(transpose(savedA!, 1, 2), g) : null,
    ];
  }, { saved });
}

registerOp({ name: "dot", gradFns: ["DotBackward0"] });
/** torch.dot of two 1-D tensors (DotBackward0). */
export function dot(a: Tensor, b: Tensor): Tensor {
  if (a.dim() !== 1 || b.dim() !== 1) throw new Error(`1D tensors expected, but got ${a.dim()}D and ${b.dim()}D tensors`);
  if (a.shape[0] !== b.shape[0]) {
    throw new Error(`inconsistent tensor size, expected tensor [${a.shape[0]}] and src [${b.shape[0]}] to have the same number of elements, but got ${a.shape[0]} and ${b.shape[0]} elements respectively`);
  }
  const dtype = promote(a.dtype, b.dtype);
  const x = contiguousData(a), y = contiguousData(b);
  let acc = 0;
  for (let i = 0; i < x.length; i++) acc += x[i] * y[i];
  const out = allocate(dtype, 1);
  out[0] = acc;
  const saveA = b.requiresGrad, saveB = a.requiresGrad;
  const saved = [saveA ? a : null, saveB ? b : null].filter((t): t is Tensor => t !== null);
  return record("dot", "DotBackward0", [a, b], makeTensor(out, [], dtype), (g, node) => {
    const savedA = saveA ? node.saved(0) : null;
    const savedB = saveB ? node.saved(saveA ? 1 : 0) : null;
    return [node.needsInputGrad[0] ? mul(savedB!, g) : null, node.needsInputGrad[1] ? mul(savedA!, g) : null];
  }, { saved });
}

registerOp({ name: "mv", gradFns: ["MvBackward0"] });
/** torch.mv: matrix [n, k] times vector [k] (MvBackward0). */
export function mv(a: Tensor, b: Tensor): Tensor {
  if (a.dim() !== 2 || b.dim() !== 1) throw new Error(`vector + matrix @ vector expected, got 1, ${a.dim()}, ${b.dim()}`);
  if (a.shape[1] !== b.shape[0]) throw new Error(`size mismatch, got input (${a.shape[0]}), mat (${a.shape[0]}x${a.shape[1]}), vec (${b.shape[0]})`);
  const [n, k] = a.shape;
  const dtype = productDtype(a, b);
  const out = allocate(dtype, n) as FloatArray;
  const A = asDtypeData(operand(a), dtype, a);
  const B = asDtypeData({ data: contiguousData(b) as FloatArray, offset: 0, trans: false }, dtype, b);
  matmulInto(A.data, B.data, out, n, k, 1, A.trans, false, false, A.offset, B.offset, 0);
  const saveA = b.requiresGrad, saveB = a.requiresGrad;
  const saved = [saveA ? a : null, saveB ? b : null].filter((t): t is Tensor => t !== null);
  return record("mv", "MvBackward0", [a, b], makeTensor(out, [n], dtype), (g, node) => {
    const savedA = saveA ? node.saved(0) : null;
    const savedB = saveB ? node.saved(saveA ? 1 : 0) : null;
    return [
      node.needsInputGrad[0] ? mm(unsqueeze(g, 1), unsqueeze(savedB!, 0)) : null,
      node.needsInputGrad[1] ? mv(transpose(savedA!, 0, 1), g) : null,
    ];
  }, { saved });
}

/** torch.matmul: dot, matrix-vector, matrix-matrix and batched (with broadcasting), composed of the ops above. */
export function matmul(a: Tensor, b: Tensor): Tensor {
  const da = a.dim(), db = b.dim();
  if (da === 0 || db === 0) throw new Error("both arguments to matmul need to be at least 1D, but they are " + `${da}D and ${db}D`);
  if (da === 1 && db === 1) {
    if (a.shape[0] !== b.shape[0]) {
      throw new Error(`inconsistent tensor size, expected tensor [${a.shape[0]}] and src [${b.shape[0]}] to have the same number of elements, but got ${a.shape[0]} and ${b.shape[0]} elements respectively`);
    }
    return dot(a, b);
  }
  if (da === 2 && db === 1) return mv(a, b);
  if (da === 1 && db === 2) return squeeze(mm(unsqueeze(a, 0), b), 0);
  if (da === 2 && db === 2) return mm(a, b);
  if (db <= 2) {
    // fold the batch into rows: [..., n, k] @ [k, p] as one mm
    const bm = db === 1 ? unsqueeze(b, 1) : b;
    const rows = reshape(a, [-1, a.shape[da - 1]]);
    const out = reshape(mm(rows, bm), [...a.shape.slice(0, -1), bm.shape[1]]);
    return db === 1 ? squeeze(out, -1) : out;
  }
  const am = da === 1 ? unsqueeze(a, 0) : a;
  const batchA = am.shape.slice(0, -2), batchB = b.shape.slice(0, -2);
  const nb = Math.max(batchA.length, batchB.length);
  const batch: number[] = [];
  for (let i = 0; i < nb; i++) {
    const x = batchA[batchA.length - nb + i] ?? 1, y = batchB[batchB.length - nb + i] ?? 1;
    if (x !== y && x !== 1 && y !== 1) {
      throw new Error(`The size of tensor a (${x}) must match the size of tensor b (${y}) at non-singleton dimension ${i}`);
    }
    batch.push(Math.max(x, y));
  }
  const [n, k] = am.shape.slice(-2), p = b.shape[db - 1];
  if (k !== b.shape[db - 2]) {
    throw new Error(`mat1 and mat2 shapes cannot be multiplied (${n}x${k} and ${b.shape[db - 2]}x${p})`);
  }
  const flatBatch = batch.reduce((x, y) => x * y, 1);
  const A = reshape(expand(am, [...batch, n, k]), [flatBatch, n, k]);
  const B = reshape(expand(b, [...batch, k, p]), [flatBatch, k, p]);
  const out = reshape(bmm(A, B), [...batch, n, p]);
  return da === 1 ? squeeze(out, -2) : out;
}
