import { Tensor } from "../tensor";
import { Storage } from "../storage";
import { allocate, promote, type TypedArray } from "../dtype";
import { allocateUninitialized } from "../bufferPool";
import { record } from "../autograd/record";
import { scalarTypeName } from "../dtype";
import { registerOp } from "../ops/registry";
import { isGradEnabled } from "../gradMode";
import { contiguousData, makeTensor } from "../ops/kernel";
import { unbroadcast } from "../ops/broadcast";
import { mm, matmul } from "../ops/matmul";
import { add } from "../ops/binary";
import { reshape, t, transpose } from "../ops/shapeOps";
import { addmmRowsInto, matmulInto } from "../kernels/matmul";
import type { FloatArray } from "../kernels/matmulRef";
import { broadcastValues } from "./raw";

// Linear as PyTorch builds it: addmm(bias, input, weight.t()) — one AddmmBackward0 node whose inputs
// are the bias, the input and a TBackward0 view of the weight. Like PyTorch, addmm saves mat1 only
// when mat2 needs a gradient and mat2 only when mat1 does (memory accounting depends on it).

interface MatrixOperand {
  data: FloatArray;
  offset: number;
  /** the storage holds the matrix transposed (row-major [cols, rows]) */
  trans: boolean;
}

/** A 2-D tensor as gemm input: its own storage when row-major or transposed row-major, else a copy. */
function matrixOperand(x: Tensor, dtype: string): MatrixOperand {
  const [rows, cols] = x.shape;
  const [rs, cs] = x.strides;
  if (x.dtype === dtype) {
    const data = x.storage.data as FloatArray;
    if ((cs === 1 || cols === 1) && (rs === cols || rows === 1)) return { data, offset: x.offset, trans: false };
    if ((rs === 1 || rows === 1) && (cs === rows || cols === 1)) return { data, offset: x.offset, trans: true };
  }
  const copy = allocate(dtype as "float32", x.numel()) as FloatArray;
  copy.set(contiguousData(x));
  return { data: copy, offset: 0, trans: false };
}

registerOp({ name: "addmm", gradFns: ["AddmmBackward0"] });
/** out = bias + mat1 @ mat2 (torch.addmm with beta = alpha = 1). */
export function addmm(bias: Tensor, mat1: Tensor, mat2: Tensor): Tensor {
  if (mat1.dtype !== mat2.dtype || bias.dtype !== mat1.dtype) {
    const other = mat1.dtype !== mat2.dtype ? mat2.dtype : bias.dtype;
    throw new Error(`expected scalar type ${scalarTypeName(mat1.dtype)} but found ${scalarTypeName(other)}`);
  }
  if (mat1.dim() !== 2) throw new Error("mat1 must be a matrix, got " + mat1.dim() + "-D tensor");
  if (mat2.dim() !== 2) throw new Error("mat2 must be a matrix, got " + mat2.dim() + "-D tensor");
  const [m, k] = mat1.shape;
  const n = mat2.shape[1];
  if (mat2.shape[0] !== k) {
    throw new Error(`mat1 and mat2 shapes cannot be multiplied (${m}x${k} and ${mat2.shape[0]}x${n})`);
  }
  const dtype = promote(promote(mat1.dtype, mat2.dtype), bias.dtype) === "float64" ? "float64" : "float32";
  const out = allocateUninitialized(dtype, m * n) as FloatArray;
  const A = matrixOperand(mat1, dtype), B = matrixOperand(mat2, dtype);
  // a [n] bias starts every row and the product is accumulated onto it (BLAS's beta = 1): no
  // separate addition loop
  if (bias.dim() === 1 && bias.shape[0] === n && bias.dtype === dtype) {
    addmmRowsInto(contiguousData(bias) as FloatArray, A.data, B.data, out, m, k, n, A.trans, B.trans, A.offset, B.offset);
  } else {
    matmulInto(A.data, B.data, out, m, k, n, A.trans, B.trans, false, A.offset, B.offset, 0);
    addBias(out, bias, m, n);
  }
  // decided now: requiresGrad may change before backward runs
  const saveMat1 = mat2.requiresGrad, saveMat2 = mat1.requiresGrad;
  const saved: Tensor[] = [];
  if (saveMat1) saved.push(mat1);
  if (saveMat2) saved.push(mat2);
  const biasShape = [...bias.shape];
  const mat2Transposed = k > 1 && n > 1 && mat2.strides[0] === 1 && mat2.strides[1] === k;
  return record("addmm", "AddmmBackward0", [bias, mat1, mat2], makeTensor(out, [m, n], dtype), (g, node) => {
    const savedMat1 = saveMat1 ? node.saved(0) : null;
    const savedMat2 = saveMat2 ? node.saved(saveMat1 ? 1 : 0) : null;
    const [needBias, need1, need2] = node.needsInputGrad;
    if (isGradEnabled()) {
      // createGraph: differentiable formulas
      return [
        needBias ? unbroadcast(g, biasShape) : null,
        need1 ? mm(g, transpose(savedMat2!, 0, 1)) : null,
        need2 ? mm(transpose(savedMat1!, 0, 1), g) : null,
      ];
    }
    const gd = contiguousData(g) as FloatArray;
    const gdt = g.dtype === "float64" ? "float64" : "float32";
    let gradMat1: Tensor | null = null, gradMat2: Tensor | null = null;
    if (need1) {
      // [m,k] = g[m,n] · mat2ᵀ
      const B2 = matrixOperand(savedMat2!, gdt);
      const res = allocateUninitialized(gdt, m * k) as FloatArray;
      matmulInto(gd, B2.data, res, m, n, k, false, !B2.trans, false, 0, B2.offset, 0);
      gradMat1 = makeTensor(res, [m, k], gdt);
    }
    if (need2) {
      const A1 = matrixOperand(savedMat1!, gdt);
      const res = allocateUninitialized(gdt, k * n) as FloatArray;
      if (mat2Transposed) {
        // mat2 is Wᵀ (nn.Linear): compute (gᵀ · mat1) [n,k] and return its transpose view, so the
        // gradient reaching W through TBackward0 is contiguous like W (PyTorch keeps mat2's layout too)
        matmulInto(gd, A1.data, res, n, m, k, true, A1.trans, false, 0, A1.offset, 0);
        gradMat2 = new Tensor(new Storage(res), [k, n], [1, k], 0, gdt);
      } else {
        // [k,n] = mat1ᵀ · g[m,n]
        matmulInto(A1.data, gd, res, k, m, n, !A1.trans, false, false, A1.offset, 0, 0);
        gradMat2 = makeTensor(res, [k, n], gdt);
      }
    }
    return [needBias ? biasGrad(gd, gdt, m, n, g, biasShape) : null, gradMat1, gradMat2];
  }, { saved });
}

/** Column sums of g [m, n] for a [n] bias (the common case, without a reduction op); else unbroadcast.
 * The sums are the product onesᵀ·g, so they run in the GEMM kernel (wasm) instead of a JS loop. */
function biasGrad(gd: FloatArray, dtype: "float32" | "float64", m: number, n: number, g: Tensor, biasShape: number[]): Tensor {
  if (biasShape.length !== 1 || biasShape[0] !== n) return unbroadcast(g, biasShape);
  const out = allocate(dtype, n) as FloatArray;
  matmulInto(onesOf(dtype, m), gd, out, 1, m, n, false, false);
  return makeTensor(out, [n], dtype);
}

let ones32 = new Float32Array(0), ones64 = new Float64Array(0);
/** m ones (a shared array, read only). */
function onesOf(dtype: "float32" | "float64", m: number): FloatArray {
  if (dtype === "float32") {
    if (ones32.length < m) ones32 = new Float32Array(Math.max(m, 2 * ones32.length)).fill(1);
    return ones32.subarray(0, m);
  }
  if (ones64.length < m) ones64 = new Float64Array(Math.max(m, 2 * ones64.length)).fill(1);
  return ones64.subarray(0, m);
}

/** out += bias broadcast to [m, n] (a bias that is not one value per column). */
function addBias(out: TypedArray, bias: Tensor, m: number, n: number): void {
  const b = broadcastValues(bias, [m, n]);
  for (let i = 0; i < m * n; i++) out[i] += b[i];
}

/** y = x Wᵀ + b (torch.nn.functional.linear). */
export function linear(input: Tensor, weight: Tensor, bias: Tensor | null = null): Tensor {
  const inFeatures = weight.shape[weight.dim() - 1];
  const last = input.shape[input.dim() - 1];
  if (input.dim() >= 2 && last !== inFeatures) {
    const rows = input.numel() / Math.max(last, 1);
    throw new Error(`mat1 and mat2 shapes cannot be multiplied (${rows}x${last} and ${inFeatures}x${weight.shape[0]})`);
  }
  if (input.dim() === 2) return bias !== null ? addmm(bias, input, t(weight)) : mm(input, t(weight));
  if (input.dim() > 2) {
    // fold the leading dims into rows, as PyTorch does for contiguous inputs
    const lead = input.shape.slice(0, -1);
    const out = reshape(linear(reshape(input, [-1, last]), weight, bias), [...lead, weight.shape[0]]);
    // not a view the user can see (PyTorch's _unsafe_view): detach_() on it works
    out._differentiableView = false;
    out.base = null;
    return out;
  }
  const out = matmul(input, t(weight));
  return bias !== null ? add(out, bias) : out;
}
