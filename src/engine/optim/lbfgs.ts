import type { Tensor } from "../tensor";
import { updateInPlace, valuesOf } from "../functional/raw";
import { enableGrad } from "../gradMode";
import { observer } from "../observer";
import { checkOptions } from "../options";
import { Optimizer, type ParamGroup, type ParamsInput } from "./optimizer";

// torch.optim.LBFGS without line search (PyTorch's default lineSearchFn None): one step() runs up to
// maxIter iterations, re-evaluating the closure, with the two-loop recursion over historySize pairs.

export interface LBFGSOptions {
  lr: number; maxIter: number; maxEval: number | null; toleranceGrad: number; toleranceChange: number; historySize: number; lineSearchFn: null;
}

const dot = (a: Float64Array, b: Float64Array) => { let s = 0; for (let i = 0; i < a.length; i++) s += a[i] * b[i]; return s; };
const absMax = (a: Float64Array) => { let m = 0; for (const v of a) m = Math.max(m, Math.abs(v)); return m; };

export class LBFGS extends Optimizer<LBFGSOptions> {
  private readonly memory = { d: null as Float64Array | null, t: 0, oldDirs: [] as Float64Array[], oldStps: [] as Float64Array[], ro: [] as number[], H: 1, prevFlatGrad: null as Float64Array | null, prevLoss: 0, nIter: 0, funcEvals: 0 };

  constructor(params: ParamsInput<LBFGSOptions>, options: Partial<LBFGSOptions> = {}) {
    checkOptions("LBFGS", options, { lr: "float", maxIter: "int", maxEval: "int?", toleranceGrad: "float", toleranceChange: "float", historySize: "int", lineSearchFn: "any" });
    if (options.lineSearchFn) throw new Error("only 'lineSearchFn: null' is supported");
    const maxIter = options.maxIter ?? 20;
    super(params, {
      lr: options.lr ?? 1, maxIter, maxEval: options.maxEval ?? Math.floor((maxIter * 5) / 4), toleranceGrad: options.toleranceGrad ?? 1e-7,
      toleranceChange: options.toleranceChange ?? 1e-9, historySize: options.historySize ?? 100, lineSearchFn: null,
    });
    if (this.paramGroups.length !== 1) throw new Error("LBFGS doesn't support per-parameter options (parameter groups)");
  }

  private get params(): Tensor[] {
    return this.paramGroups[0].params;
  }
  private flatGrad(): Float64Array {
    const parts = this.params.map((p) => (p.grad === null ? new Float64Array(p.numel()) : Float64Array.from(valuesOf(p.grad))));
    const out = new Float64Array(parts.reduce((n, a) => n + a.length, 0));
    let at = 0;
    for (const a of parts) { out.set(a, at); at += a.length; }
    return out;
  }
  private addToParams(step: number, dir: Float64Array): void {
    let at = 0;
    for (const p of this.params) {
      const n = p.numel();
      updateInPlace(p, (d, o) => { for (let i = 0; i < n; i++) d[o + i] += step * dir[at + i]; });
      at += n;
    }
  }

  /** One LBFGS step; the closure re-evaluates the loss (zeroGrad + backward) and returns it. */
  override step(closure?: () => Tensor | number): Tensor | number | undefined {
    if (closure === undefined) throw new Error("LBFGS requires a closure: optimizer.step(closure)");
    const group: ParamGroup<LBFGSOptions> = this.paramGroups[0];
    const { lr, maxIter, toleranceGrad, toleranceChange, historySize } = group;
    const maxEval = group.maxEval ?? Math.floor((maxIter * 5) / 4);
    const st = this.memory;
    const evaluate = () => { const l = enableGrad(closure); return typeof l === "number" ? l : l.item(); };
    if (observer !== null) observer.onEvent?.({ kind: "optimizer-step", optimizer: this, phase: "before" });
    const origLoss = enableGrad(closure);
    let loss = typeof origLoss === "number" ? origLoss : origLoss.item();
    let currentEvals = 1;
    st.funcEvals += 1;
    let flatGrad = this.flatGrad();
    if (absMax(flatGrad) <= toleranceGrad) {
      if (observer !== null) observer.onEvent?.({ kind: "optimizer-step", optimizer: this, phase: "after" });
      return origLoss;
    }
    let nIter = 0;
    while (nIter < maxIter) {
      nIter++;
      st.nIter++;
      let d: Float64Array;
      if (st.nIter === 1) {
        d = flatGrad.map((v) => -v);
        st.oldDirs = []; st.oldStps = []; st.ro = []; st.H = 1;
      } else {
        const y = flatGrad.map((v, i) => v - st.prevFlatGrad![i]);
        const s = st.d!.map((v) => v * st.t);
        const ys = dot(y, s);
        if (ys > 1e-10) {
          if (st.oldDirs.length === historySize) { st.oldDirs.shift(); st.oldStps.shift(); st.ro.shift(); }
          st.oldDirs.push(y); st.oldStps.push(s); st.ro.push(1 / ys);
          st.H = ys / dot(y, y);
        }
        const k = st.oldDirs.length, al = new Array<number>(k);
        const q = flatGrad.map((v) => -v);
        for (let i = k - 1; i >= 0; i--) {
          al[i] = dot(st.oldStps[i], q) * st.ro[i];
          for (let j = 0; j < q.length; j++) q[j] -= al[i] * st.oldDirs[i][j];
        }
        d = q.map((v) => v * st.H);
        for (let i = 0; i < k; i++) {
          const be = dot(st.oldDirs[i], d) * st.ro[i];
          for (let j = 0; j < d.length; j++) d[j] += st.oldStps[i][j] * (al[i] - be);
        }
      }
      st.prevFlatGrad = flatGrad.slice();
      const prevLoss = loss;
      st.t = st.nIter === 1 ? Math.min(1, 1 / flatGrad.reduce((a, v) => a + Math.abs(v), 0)) * lr : lr;
      const gtd = dot(flatGrad, d);
      st.d = d;
      if (gtd > -toleranceChange) break;
      this.addToParams(st.t, d);
      let lsEvals = 0;
      if (nIter !== maxIter) {
        loss = evaluate();
        flatGrad = this.flatGrad();
        lsEvals = 1;
      }
      currentEvals += lsEvals;
      st.funcEvals += lsEvals;
      if (nIter === maxIter || currentEvals >= maxEval) break;
      if (absMax(flatGrad) <= toleranceGrad) break;
      if (absMax(d) * st.t <= toleranceChange) break;
      if (Math.abs(loss - prevLoss) < toleranceChange) break;
    }
    if (observer !== null) observer.onEvent?.({ kind: "optimizer-step", optimizer: this, phase: "after" });
    return origLoss;
  }

  protected updateGroup(): void {
    throw new Error("LBFGS updates in step(closure)");
  }
}
