// @ts-nocheck -- AssemblyScript source (compiled by scripts/build-wasm.mjs), not plain TypeScript.
//
// Optimizer updates for float32 parameters as f32x4 loops (SGD, Adam/AdamW, RMSprop), the same
// formulas as PyTorch's single-tensor updates (torch/optim/*.py, foreach=False), in float32 as
// PyTorch computes them. Every array is a byte offset chosen by the host; the host rounds each
// region up to whole vectors (the extra lanes are scratch, never copied back), so no tail loops.
// Uniform flags are branches the CPU predicts; the loops stay memory-bound. Constants such as 1 − β
// come from the host computed in float64 and rounded once, as PyTorch's Python scalars are (1 − β
// in float32 would be off by up to 1e-5 relative).

@inline
function vectors(n: i32): i32 {
  return (n + 3) >> 2;
}

/**
 * SGD: step = ±g (+ wd·p); with momentum, buf = first ? step : momentum·buf + keep·step (keep = 1 − dampening)
 * and step = nesterov ? step + momentum·buf : buf; p −= lr·step.
 */
export function sgdF32(
  p: usize, g: usize, buf: usize, n: i32,
  lr: f32, weightDecay: f32, momentum: f32, keep: f32,
  nesterov: bool, maximize: bool, first: bool,
): void {
  const vlr = f32x4.splat(lr);
  const vwd = f32x4.splat(weightDecay);
  const vmom = f32x4.splat(momentum);
  const vkeep = f32x4.splat(keep);
  const useMomentum = momentum != 0;
  const useDecay = weightDecay != 0;
  const count = vectors(n);
  if (!useMomentum && !useDecay && !maximize) {
    sgdPlain(p, g, count, vlr);
    return;
  }
  if (useMomentum && !first && !nesterov && !maximize) {
    // SGD with momentum (and weight decay): the usual training configuration
    if (useDecay) sgdMomentum(p, g, buf, count, vlr, vwd, vmom, vkeep, true);
    else sgdMomentum(p, g, buf, count, vlr, vwd, vmom, vkeep, false);
    return;
  }
  for (let i = 0; i < count; i++) {
    const off = <usize>i << 4;
    const pv = v128.load(p + off);
    let step = v128.load(g + off);
    if (maximize) step = f32x4.neg(step);
    if (useDecay) step = f32x4.add(step, f32x4.mul(vwd, pv));
    if (useMomentum) {
      const b = first ? step : f32x4.add(f32x4.mul(vmom, v128.load(buf + off)), f32x4.mul(vkeep, step));
      v128.store(buf + off, b);
      step = nesterov ? f32x4.add(step, f32x4.mul(vmom, b)) : b;
    }
    v128.store(p + off, f32x4.sub(pv, f32x4.mul(vlr, step)));
  }
}

/**
 * p −= lr·g (plain SGD, and a gradient accumulated with lr = −1): the same operations as the general
 * loop, without its per-vector flag tests (V8 does not hoist them: the general loop took ~3 cycles
 * per vector), two vectors per iteration.
 */
@inline
function sgdPlain(p: usize, g: usize, count: i32, vlr: v128): void {
  const pairs = count & ~1;
  for (let i = 0; i < pairs; i += 2) {
    const off = <usize>i << 4;
    const p0 = v128.load(p + off), p1 = v128.load(p + off, 16);
    const g0 = v128.load(g + off), g1 = v128.load(g + off, 16);
    v128.store(p + off, f32x4.sub(p0, f32x4.mul(vlr, g0)));
    v128.store(p + off, f32x4.sub(p1, f32x4.mul(vlr, g1)), 16);
  }
  if (pairs < count) {
    const off = <usize>pairs << 4;
    v128.store(p + off, f32x4.sub(v128.load(p + off), f32x4.mul(vlr, v128.load(g + off))));
  }
}

/** The general loop's steps for momentum without nesterov, maximize or a first step; `decay` is a
 * constant at each call, so each inlined copy has no per-vector flag test. */
@inline
function sgdMomentum(p: usize, g: usize, buf: usize, count: i32, vlr: v128, vwd: v128, vmom: v128, vkeep: v128, decay: bool): void {
  for (let i = 0; i < count; i++) {
    const off = <usize>i << 4;
    const pv = v128.load(p + off);
    let step = v128.load(g + off);
    if (decay) step = f32x4.add(step, f32x4.mul(vwd, pv));
    const b = f32x4.add(f32x4.mul(vmom, v128.load(buf + off)), f32x4.mul(vkeep, step));
    v128.store(buf + off, b);
    v128.store(p + off, f32x4.sub(pv, f32x4.mul(vlr, b)));
  }
}

/**
 * Adam / AdamW: gi = ±g; weight decay either adds wd·p to gi (Adam) or scales p by (1 − lr·wd)
 * first (decoupled, AdamW; decay = 1 − lr·wd); m += (gi − m)·c1; v = β2·v + c2·gi² (c = 1 − β); with amsgrad
 * vmax = max(vmax, v) is the second moment; p −= stepSize·m / (√second / bc2Sqrt + eps).
 */
export function adamF32(
  p: usize, g: usize, m: usize, v: usize, vmax: usize, n: i32,
  decay: f32, c1: f32, beta2: f32, c2: f32, eps: f32, weightDecay: f32,
  stepSize: f32, bc2Sqrt: f32, decoupled: bool, amsgrad: bool, maximize: bool,
): void {
  const vdecay = f32x4.splat(decay);
  const vwd = f32x4.splat(weightDecay);
  const v1 = f32x4.splat(c1);
  const vb2 = f32x4.splat(beta2);
  const v2 = f32x4.splat(c2);
  const veps = f32x4.splat(eps);
  const vstep = f32x4.splat(stepSize);
  const vbc2 = f32x4.splat(bc2Sqrt);
  const useDecay = weightDecay != 0;
  const count = vectors(n);
  for (let i = 0; i < count; i++) {
    const off = <usize>i << 4;
    let pv = v128.load(p + off);
    let gi = v128.load(g + off);
    if (maximize) gi = f32x4.neg(gi);
    if (useDecay) {
      if (decoupled) pv = f32x4.mul(pv, vdecay);
      else gi = f32x4.add(gi, f32x4.mul(vwd, pv));
    }
    let mv = v128.load(m + off);
    mv = f32x4.add(mv, f32x4.mul(f32x4.sub(gi, mv), v1));
    v128.store(m + off, mv);
    let vv = f32x4.add(f32x4.mul(v128.load(v + off), vb2), f32x4.mul(f32x4.mul(v2, gi), gi));
    v128.store(v + off, vv);
    if (amsgrad) {
      vv = f32x4.max(v128.load(vmax + off), vv);
      v128.store(vmax + off, vv);
    }
    const denom = f32x4.add(f32x4.div(f32x4.sqrt(vv), vbc2), veps);
    v128.store(p + off, f32x4.sub(pv, f32x4.div(f32x4.mul(vstep, mv), denom)));
  }
}

/**
 * RMSprop: gi = ±g (+ wd·p); sq = α·sq + c·gi² (c = 1 − α); centered: ga += (gi − ga)·c and
 * avg = √(sq − ga²) + eps, else avg = √sq + eps; with momentum buf = momentum·buf + gi/avg and
 * p −= lr·buf, else p −= lr·gi/avg.
 */
export function rmspropF32(
  p: usize, g: usize, sq: usize, buf: usize, ga: usize, n: i32,
  lr: f32, alpha: f32, c: f32, eps: f32, weightDecay: f32, momentum: f32,
  centered: bool, maximize: bool,
): void {
  const vlr = f32x4.splat(lr);
  const va = f32x4.splat(alpha);
  const v1a = f32x4.splat(c);
  const veps = f32x4.splat(eps);
  const vwd = f32x4.splat(weightDecay);
  const vmom = f32x4.splat(momentum);
  const useDecay = weightDecay != 0;
  const useMomentum = momentum > 0;
  const count = vectors(n);
  for (let i = 0; i < count; i++) {
    const off = <usize>i << 4;
    const pv = v128.load(p + off);
    let gi = v128.load(g + off);
    if (maximize) gi = f32x4.neg(gi);
    if (useDecay) gi = f32x4.add(gi, f32x4.mul(vwd, pv));
    const sv = f32x4.add(f32x4.mul(v128.load(sq + off), va), f32x4.mul(f32x4.mul(v1a, gi), gi));
    v128.store(sq + off, sv);
    let avg: v128;
    if (centered) {
      let gav = v128.load(ga + off);
      gav = f32x4.add(gav, f32x4.mul(f32x4.sub(gi, gav), v1a));
      v128.store(ga + off, gav);
      avg = f32x4.add(f32x4.sqrt(f32x4.sub(sv, f32x4.mul(gav, gav))), veps);
    } else {
      avg = f32x4.add(f32x4.sqrt(sv), veps);
    }
    if (useMomentum) {
      const b = f32x4.add(f32x4.mul(v128.load(buf + off), vmom), f32x4.div(gi, avg));
      v128.store(buf + off, b);
      v128.store(p + off, f32x4.sub(pv, f32x4.mul(vlr, b)));
    } else {
      v128.store(p + off, f32x4.sub(pv, f32x4.div(f32x4.mul(vlr, gi), avg)));
    }
  }
}
