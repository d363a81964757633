import type { Tensor } from "../tensor";
import { observer } from "../observer";
import { enableGrad } from "../gradMode";
import { updateInPlace, valuesOf } from "../functional/raw";
import { Optimizer, type ParamGroup, type ParamsInput } from "./optimizer";
import { optimizerOptions } from "./optimizerOptions";
import { strongWolfe } from "./strongWolfe";

// torch.optim.LBFGS: a quasi-Newton method that re-evaluates the model through a closure, several
// times per step(). Parameters and gradients are handled as one flat float64 vector, as PyTorch does.

export type LBFGSOptions = {
  lr: number;
  maxIter: number;
  /** default maxIter · 5 / 4 (rounded down) */
  maxEval: number | null;
  toleranceGrad: number;
  toleranceChange: number;
  historySize: number;
  lineSearchFn: "strong_wolfe" | null;
};

const SPEC = { lr: "float", maxIter: "int", maxEval: "int?", toleranceGrad: "float", toleranceChange: "float", historySize: "int", lineSearchFn: "str?" };

type Vec = Float64Array;

function dot(a: Vec, b: Vec): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i] * b[i];
  return s;
}

function absMax(a: Vec): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]));
  return m;
}

function lossValue(loss: Tensor | number): number {
  return typeof loss === "number" ? loss : loss.item();
}

export class LBFGS extends Optimizer<LBFGSOptions> {
  constructor(params: ParamsInput<LBFGSOptions>, options: Partial<LBFGSOptions> = {}) {
    const d = optimizerOptions<LBFGSOptions>("LBFGS", options, SPEC, {
      lr: 1, maxIter: 20, maxEval: null, toleranceGrad: 1e-7, toleranceChange: 1e-9, historySize: 100, lineSearchFn: null,
    });
    if (!(d.lr >= 0)) throw new Error(`Invalid learning rate: ${d.lr}`);
    if (d.maxEval === null) d.maxEval = Math.floor((d.maxIter * 5) / 4);
    if (d.lineSearchFn !== null && d.lineSearchFn !== "strong_wolfe") throw new Error("only 'strong_wolfe' is supported");
    super(params, d);
    if (this.paramGroups.length !== 1) throw new Error("LBFGS doesn't support per-parameter options (parameter groups)");
  }

  private get params(): Tensor[] {
    return this.paramGroups[0].params;
  }

  private flatGrad(): Vec {
    const out = new Float64Array(this.params.reduce((n, p) => n + p.numel(), 0));
    let o = 0;
    for (const p of this.params) {
      const grad = p._peekGrad(); // not `.grad`: that would hand it out (see Tensor._takePrivateGrad)
      if (grad !== null) out.set(valuesOf(grad), o);
      o += p.numel();
    }
    return out;
  }

  /** p += t · update, parameter by parameter (PyTorch's _add_grad). */
  private addToParams(t: number, update: Vec): void {
    let o = 0;
    for (const p of this.params) {
      const start = o;
      updateInPlace(p, (d, off, n) => {
        for (let i = 0; i < n; i++) d[off + i] += t * update[start + i];
      });
      o += p.numel();
    }
  }

  private setParams(x: Vec[]): void {
    this.params.forEach((p, k) => updateInPlace(p, (d, off, n) => {
      for (let i = 0; i < n; i++) d[off + i] = x[k][i];
    }));
  }

  /** Performs up to maxIter iterations; `closure` clears the gradients, computes the loss, calls backward and returns it. */
  override step(closure?: () => Tensor | number): Tensor | number | undefined {
    if (typeof closure !== "function") throw new TypeError("LBFGS.step() requires a closure that reevaluates the model and returns the loss");
    const evaluate = () => lossValue(enableGrad(closure));
    const group = this.paramGroups[0] as ParamGroup<LBFGSOptions>;
    const { lr, maxIter, toleranceGrad, toleranceChange, historySize, lineSearchFn } = group;
    const maxEval = group.maxEval ?? Math.floor((maxIter * 5) / 4);
    const state = this.stateOf(this.params[0]) as Record<string, any>;
    state.funcEvals ??= 0;
    state.nIter ??= 0;

    const origLoss = enableGrad(closure);
    let loss = lossValue(origLoss);
    let currentEvals = 1;
    state.funcEvals += 1;
    let flatGrad = this.flatGrad();
    if (absMax(flatGrad) <= toleranceGrad) return origLoss;

    if (observer !== null) observer.onEvent?.({ kind: "optimizer-step", optimizer: this, phase: "before" });
    let d: Vec = state.d, t: number = state.t;
    let oldDirs: Vec[] = state.oldDirs, oldStps: Vec[] = state.oldStps, ro: number[] = state.ro, hDiag: number = state.hDiag;
    let prevFlatGrad: Vec | undefined = state.prevFlatGrad, prevLoss: number = state.prevLoss;

    let nIter = 0;
    while (nIter < maxIter) {
      nIter += 1;
      state.nIter += 1;
      if (state.nIter === 1) {
        d = flatGrad.map((v) => -v);
        [oldDirs, oldStps, ro, hDiag] = [[], [], [], 1];
      } else {
        const y = flatGrad.map((v, i) => v - prevFlatGrad![i]);
        const s = d.map((v) => v * t);
        const ys = dot(y, s);
        if (ys > 1e-10) {
          if (oldDirs.length === historySize) {
            oldDirs.shift();
            oldStps.shift();
            ro.shift();
          }
          oldDirs.push(y);
          oldStps.push(s);
          ro.push(1 / ys);
          hDiag = ys / dot(y, y);
        }
        // two-loop recursion: d = -H · g with the stored curvature pairs
        const al = new Array<number>(oldDirs.length);
        const q = flatGrad.map((v) => -v);
        for (let i = oldDirs.length - 1; i >= 0; i--) {
          al[i] = dot(oldStps[i], q) * ro[i];
          for (let j = 0; j < q.length; j++) q[j] -= al[i] * oldDirs[i][j];
        }
        d = q.map((v) => v * hDiag);
        for (let i = 0; i < oldDirs.length; i++) {
          const be = dot(oldDirs[i], d) * ro[i];
          for (let j = 0; j < d.length; j++) d[j] += (al[i] - be) * oldStps[i][j];
        }
      }
      prevFlatGrad = flatGrad.slice();
      prevLoss = loss;
      t = state.nIter === 1 ? Math.min(1, 1 / flatGrad.reduce((a, v) => a + Math.abs(v), 0)) * lr : lr;
      const gtd = dot(flatGrad, d);
      if (gtd > -toleranceChange) break;

      let lsEvals = 0;
      let optCond = false;
      if (lineSearchFn !== null) {
        const x0 = this.params.map((p) => Float64Array.from(valuesOf(p)));
        const dir = d;
        const directional = (step: number): [number, Vec] => {
          this.addToParams(step, dir);
          const f = evaluate();
          const g = this.flatGrad();
          this.setParams(x0);
          return [f, g];
        };
        [loss, flatGrad, t, lsEvals] = strongWolfe(directional, t, d, loss, flatGrad, gtd);
        this.addToParams(t, d);
        optCond = absMax(flatGrad) <= toleranceGrad;
      } else {
        this.addToParams(t, d);
        if (nIter !== maxIter) {
          loss = evaluate();
          flatGrad = this.flatGrad();
          optCond = absMax(flatGrad) <= toleranceGrad;
          lsEvals = 1;
        }
      }
      currentEvals += lsEvals;
      state.funcEvals += lsEvals;

      if (nIter === maxIter || currentEvals >= maxEval || optCond) break;
      if (absMax(d) * Math.abs(t) <= toleranceChange) break;
      if (Math.abs(loss - prevLoss) < toleranceChange) break;
    }
    Object.assign(state, { d, t, oldDirs, oldStps, ro, hDiag, prevFlatGrad, prevLoss });
    if (observer !== null) observer.onEvent?.({ kind: "optimizer-step", optimizer: this, phase: "after" });
    return origLoss;
  }

  protected updateGroup(): void {
    // all the work happens in step(closure)
  }
}
