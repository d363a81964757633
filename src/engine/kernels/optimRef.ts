/**
 * The optimizer updates as plain loops: the reference the wasm kernels (./optim) are tested
 * against, and the path for float64 parameters and for realms without WebAssembly SIMD.
 * Formulas: PyTorch's single-tensor updates (torch/optim/sgd.py, adam.py, rmsprop.py).
 * Each updates d[o..o+n) in place from g[0..n) and the state arrays [0..n).
 */
import type { FloatArray } from "./matmulRef";

export interface SgdHyper {
  lr: number;
  weightDecay: number;
  momentum: number;
  dampening: number;
  nesterov: boolean;
  maximize: boolean;
  /** the momentum buffer is new: it starts as the step itself (PyTorch's first step) */
  first: boolean;
}

export interface AdamHyper {
  lr: number;
  beta1: number;
  beta2: number;
  eps: number;
  weightDecay: number;
  /** lr / (1 − β1^step) */
  stepSize: number;
  /** √(1 − β2^step) */
  bc2Sqrt: number;
  /** AdamW: the decay shrinks the parameter instead of adding to the gradient */
  decoupled: boolean;
  amsgrad: boolean;
  maximize: boolean;
}

export interface RmspropHyper {
  lr: number;
  alpha: number;
  eps: number;
  weightDecay: number;
  momentum: number;
  centered: boolean;
  maximize: boolean;
}

export function sgdRef(d: FloatArray, o: number, g: FloatArray, b: FloatArray | null, n: number, h: SgdHyper): void {
  const { lr, weightDecay, momentum, dampening, nesterov, maximize, first } = h;
  if (!maximize && weightDecay === 0 && momentum === 0) {
    // the common case as a plain loop on a view of exactly n elements (no bounds checks)
    const v = o === 0 && d.length === n ? d : d.subarray(o, o + n);
    for (let i = 0; i < v.length; i++) v[i] -= lr * g[i];
    return;
  }
  for (let i = 0; i < n; i++) {
    let step = maximize ? -g[i] : g[i];
    if (weightDecay !== 0) step += weightDecay * d[o + i];
    if (momentum !== 0) {
      const v = first ? step : momentum * b![i] + (1 - dampening) * step;
      b![i] = v;
      step = nesterov ? step + momentum * b![i] : b![i];
    }
    d[o + i] -= lr * step;
  }
}

export function adamRef(
  d: FloatArray, o: number, g: FloatArray, m: FloatArray, v: FloatArray, vmax: FloatArray | null, n: number, h: AdamHyper,
): void {
  const { lr, beta1, beta2, eps, weightDecay, stepSize, bc2Sqrt, decoupled, maximize } = h;
  for (let i = 0; i < n; i++) {
    let gi = maximize ? -g[i] : g[i];
    if (weightDecay !== 0) {
      if (decoupled) d[o + i] *= 1 - lr * weightDecay;
      else gi += weightDecay * d[o + i];
    }
    m[i] += (gi - m[i]) * (1 - beta1);
    v[i] = v[i] * beta2 + (1 - beta2) * gi * gi;
    let second = v[i];
    if (vmax !== null) {
      // torch.maximum: a NaN propagates
      vmax[i] = vmax[i] >= v[i] ? vmax[i] : v[i] >= vmax[i] ? v[i] : NaN;
      second = vmax[i];
    }
    const denom = Math.sqrt(second) / bc2Sqrt + eps;
    d[o + i] -= (stepSize * m[i]) / denom;
  }
}

export function rmspropRef(
  d: FloatArray, o: number, g: FloatArray, sq: FloatArray, buf: FloatArray | null, ga: FloatArray | null, n: number, h: RmspropHyper,
): void {
  const { lr, alpha, eps, weightDecay, maximize } = h;
  for (let i = 0; i < n; i++) {
    let gi = maximize ? -g[i] : g[i];
    if (weightDecay !== 0) gi += weightDecay * d[o + i];
    sq[i] = sq[i] * alpha + (1 - alpha) * gi * gi;
    let avg: number;
    if (ga !== null) {
      ga[i] += (gi - ga[i]) * (1 - alpha);
      avg = Math.sqrt(sq[i] - ga[i] * ga[i]) + eps;
    } else {
      avg = Math.sqrt(sq[i]) + eps;
    }
    if (buf !== null) {
      buf[i] = buf[i] * h.momentum + gi / avg;
      d[o + i] -= lr * buf[i];
    } else {
      d[o + i] -= (lr * gi) / avg;
    }
  }
}
