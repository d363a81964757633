import { LRScheduler } from "./lrScheduler";
import type { Optimizer } from "./optimizer";
import { schedulerArgs } from "./schedulerOptions";

// Schedulers that cycle the lr (and the momentum): CosineAnnealingWarmRestarts, CyclicLR, OneCycleLR.
// Their lrs are absolute functions of the step, as in PyTorch.

type AnyOptimizer = Optimizer<any>;

/** The group's momentum: SGD/RMSprop's `momentum` or Adam's `betas[0]`. */
function setMomentum(group: Record<string, unknown>, useBeta1: boolean, m: number): void {
  if (useBeta1) group.betas = [m, ...(group.betas as number[]).slice(1)];
  else group.momentum = m;
}

function momentumKind(optimizer: AnyOptimizer, name: string): boolean {
  const d = optimizer.defaults as Record<string, unknown>;
  if (!("momentum" in d) && !("betas" in d)) throw new Error("optimizer must support momentum or beta1 with `cycle_momentum` option enabled");
  void name;
  return "betas" in d;
}

function perGroup(v: number | number[], n: number, what: string): number[] {
  if (!Array.isArray(v)) return new Array(n).fill(v);
  if (v.length !== n) throw new Error(`expected ${n} values for ${what}, got ${v.length}`);
  return [...v];
}

export interface CosineAnnealingWarmRestartsOptions { T0: number; TMult: number; etaMin: number; lastEpoch: number }

/** Cosine annealing restarted every T_i epochs, T_i = T0 · TMult^i (SGDR). step(epoch) takes fractional epochs. */
export class CosineAnnealingWarmRestarts extends LRScheduler {
  readonly T0: number;
  TI: number;
  readonly TMult: number;
  readonly etaMin: number;
  TCur: number;

  constructor(optimizer: AnyOptimizer, ...args: Array<number | Partial<CosineAnnealingWarmRestartsOptions>>) {
    const o = schedulerArgs<CosineAnnealingWarmRestartsOptions>("CosineAnnealingWarmRestarts", args, ["T0", "TMult", "etaMin", "lastEpoch"],
      { T0: "int", TMult: "int", etaMin: "float", lastEpoch: "int" }, { TMult: 1, etaMin: 0, lastEpoch: -1 });
    if (!(o.T0 > 0) || !Number.isInteger(o.T0)) throw new Error(`Expected positive integer T_0, but got ${o.T0}`);
    if (!(o.TMult >= 1) || !Number.isInteger(o.TMult)) throw new Error(`Expected integer T_mult >= 1, but got ${o.TMult}`);
    super(optimizer, o.lastEpoch);
    this.T0 = o.T0;
    this.TI = o.T0;
    this.TMult = o.TMult;
    this.etaMin = o.etaMin;
    this.TCur = o.lastEpoch;
    this.initialStep();
  }

  protected getLr(): number[] {
    return this.baseLrs.map((base) => this.etaMin + ((base - this.etaMin) * (1 + Math.cos((Math.PI * this.TCur) / this.TI))) / 2);
  }

  /** Without an epoch: one step. With one (may be fractional, e.g. epoch + i / iters): jump to it. */
  override step(epoch?: number): void {
    if (epoch === undefined && this.lastEpoch < 0) epoch = 0;
    if (epoch === undefined) {
      epoch = this.lastEpoch + 1;
      this.TCur += 1;
      if (this.TCur >= this.TI) {
        this.TCur -= this.TI;
        this.TI *= this.TMult;
      }
    } else {
      if (epoch < 0) throw new Error(`Expected non-negative epoch, but got ${epoch}`);
      if (epoch >= this.T0) {
        if (this.TMult === 1) {
          this.TCur = epoch % this.T0;
        } else {
          const n = Math.floor(Math.log((epoch / this.T0) * (this.TMult - 1) + 1) / Math.log(this.TMult));
          this.TCur = epoch - (this.T0 * (Math.pow(this.TMult, n) - 1)) / (this.TMult - 1);
          this.TI = this.T0 * Math.pow(this.TMult, n);
        }
      } else {
        this.TI = this.T0;
        this.TCur = epoch;
      }
    }
    // the base step adds one to lastEpoch, then writes getLr() into the groups
    this.lastEpoch = Math.floor(epoch) - 1;
    super.step();
  }
}

export type CyclicMode = "triangular" | "triangular2" | "exp_range";

export interface CyclicLROptions {
  baseLr: number | number[];
  maxLr: number | number[];
  stepSizeUp: number;
  stepSizeDown: number | null;
  mode: CyclicMode;
  gamma: number;
  scaleFn: ((x: number) => number) | null;
  scaleMode: "cycle" | "iterations";
  cycleMomentum: boolean;
  baseMomentum: number | number[];
  maxMomentum: number | number[];
  lastEpoch: number;
}

/** Cycles the lr between baseLr and maxLr (Smith's cyclical learning rates), and the momentum inversely. */
export class CyclicLR extends LRScheduler {
  readonly maxLrs: number[];
  readonly totalSize: number;
  readonly stepRatio: number;
  readonly mode: CyclicMode;
  readonly gamma: number;
  readonly scaleMode: "cycle" | "iterations";
  readonly cycleMomentum: boolean;
  private readonly scaleFn: (x: number) => number;
  private readonly useBeta1: boolean = false;
  private readonly baseMomentums: number[] = [];
  private readonly maxMomentums: number[] = [];

  constructor(optimizer: AnyOptimizer, ...args: Array<number | number[] | Partial<CyclicLROptions>>) {
    const o = schedulerArgs<CyclicLROptions>("CyclicLR", args,
      ["baseLr", "maxLr", "stepSizeUp", "stepSizeDown", "mode", "gamma", "scaleFn", "scaleMode", "cycleMomentum", "baseMomentum", "maxMomentum", "lastEpoch"],
      { baseLr: "any", maxLr: "any", stepSizeUp: "int", stepSizeDown: "int?", mode: "str", gamma: "float", scaleFn: "function?", scaleMode: "str",
        cycleMomentum: "bool", baseMomentum: "any", maxMomentum: "any", lastEpoch: "int" },
      { stepSizeUp: 2000, stepSizeDown: null, mode: "triangular", gamma: 1, scaleFn: null, scaleMode: "cycle", cycleMomentum: true,
        baseMomentum: 0.8, maxMomentum: 0.9, lastEpoch: -1 });
    const n = optimizer.paramGroups.length;
    const baseLrs = perGroup(o.baseLr, n, "base_lr");
    if (o.lastEpoch === -1) optimizer.paramGroups.forEach((g, i) => (g.lr = baseLrs[i]));
    if (o.scaleFn === null && !["triangular", "triangular2", "exp_range"].includes(o.mode)) {
      throw new Error("mode is invalid and scale_fn is None");
    }
    super(optimizer, o.lastEpoch);
    // PyTorch 2.x: the cycle is based on base_lr even when the groups already had an initial_lr
    this.baseLrs.splice(0, n, ...baseLrs);
    this.maxLrs = perGroup(o.maxLr, n, "max_lr");
    const up = o.stepSizeUp, down = o.stepSizeDown ?? up;
    this.totalSize = up + down;
    this.stepRatio = up / this.totalSize;
    this.mode = o.mode;
    this.gamma = o.gamma;
    this.cycleMomentum = o.cycleMomentum;
    if (o.scaleFn !== null) {
      this.scaleFn = o.scaleFn;
      this.scaleMode = o.scaleMode;
    } else {
      const gamma = o.gamma;
      this.scaleFn = o.mode === "triangular" ? () => 1 : o.mode === "triangular2" ? (x) => 1 / Math.pow(2, x - 1) : (x) => Math.pow(gamma, x);
      this.scaleMode = o.mode === "exp_range" ? "iterations" : "cycle";
    }
    if (o.cycleMomentum) {
      this.useBeta1 = momentumKind(optimizer, "CyclicLR");
      this.baseMomentums = perGroup(o.baseMomentum, n, "base_momentum");
      this.maxMomentums = perGroup(o.maxMomentum, n, "max_momentum");
      if (o.lastEpoch === -1) optimizer.paramGroups.forEach((g, i) => setMomentum(g, this.useBeta1, this.maxMomentums[i]));
    }
    this.initialStep();
  }

  protected getLr(): number[] {
    const cycle = Math.floor(1 + this.lastEpoch / this.totalSize);
    const x = 1 + this.lastEpoch / this.totalSize - cycle;
    const scale = x <= this.stepRatio ? x / this.stepRatio : (x - 1) / (this.stepRatio - 1);
    const s = this.scaleFn(this.scaleMode === "cycle" ? cycle : this.lastEpoch);
    const lrs = this.baseLrs.map((base, i) => base + (this.maxLrs[i] - base) * scale * s);
    if (this.cycleMomentum) {
      this.optimizer.paramGroups.forEach((g, i) => {
        const height = (this.maxMomentums[i] - this.baseMomentums[i]) * scale;
        setMomentum(g, this.useBeta1, this.maxMomentums[i] - height * s);
      });
    }
    return lrs;
  }
}

export interface OneCycleLROptions {
  maxLr: number | number[];
  totalSteps: number | null;
  epochs: number | null;
  stepsPerEpoch: number | null;
  pctStart: number;
  annealStrategy: "cos" | "linear";
  cycleMomentum: boolean;
  baseMomentum: number | number[];
  maxMomentum: number | number[];
  divFactor: number;
  finalDivFactor: number;
  threePhase: boolean;
  lastEpoch: number;
}

interface Phase { endStep: number; startLr: "initialLr" | "maxLr" | "minLr"; endLr: "initialLr" | "maxLr" | "minLr"; startMomentum: "maxMomentum" | "baseMomentum"; endMomentum: "maxMomentum" | "baseMomentum" }

/** The 1cycle policy: warm up to maxLr, then anneal far below the start (per step, not per epoch). */
export class OneCycleLR extends LRScheduler {
  readonly totalSteps: number;
  readonly cycleMomentum: boolean;
  private readonly phases: Phase[];
  private readonly anneal: (start: number, end: number, pct: number) => number;
  private readonly useBeta1: boolean = false;

  constructor(optimizer: AnyOptimizer, ...args: Array<number | number[] | Partial<OneCycleLROptions>>) {
    const o = schedulerArgs<OneCycleLROptions>("OneCycleLR", args,
      ["maxLr", "totalSteps", "epochs", "stepsPerEpoch", "pctStart", "annealStrategy", "cycleMomentum", "baseMomentum", "maxMomentum", "divFactor", "finalDivFactor", "threePhase", "lastEpoch"],
      { maxLr: "any", totalSteps: "int?", epochs: "int?", stepsPerEpoch: "int?", pctStart: "float", annealStrategy: "str", cycleMomentum: "bool",
        baseMomentum: "any", maxMomentum: "any", divFactor: "float", finalDivFactor: "float", threePhase: "bool", lastEpoch: "int" },
      { totalSteps: null, epochs: null, stepsPerEpoch: null, pctStart: 0.3, annealStrategy: "cos", cycleMomentum: true, baseMomentum: 0.85,
        maxMomentum: 0.95, divFactor: 25, finalDivFactor: 1e4, threePhase: false, lastEpoch: -1 });
    let total: number;
    if (o.totalSteps === null && o.epochs === null && o.stepsPerEpoch === null) {
      throw new Error("You must define either total_steps OR (epochs AND steps_per_epoch)");
    } else if (o.totalSteps !== null) {
      if (o.totalSteps <= 0) throw new Error(`Expected positive integer total_steps, but got ${o.totalSteps}`);
      total = o.totalSteps;
    } else {
      if (o.epochs === null || o.epochs <= 0) throw new Error(`Expected positive integer epochs, but got ${o.epochs}`);
      if (o.stepsPerEpoch === null || o.stepsPerEpoch <= 0) throw new Error(`Expected positive integer steps_per_epoch, but got ${o.stepsPerEpoch}`);
      total = o.epochs * o.stepsPerEpoch;
    }
    if (o.pctStart < 0 || o.pctStart > 1) throw new Error(`Expected float between 0 and 1 pct_start, but got ${o.pctStart}`);
    if (o.annealStrategy !== "cos" && o.annealStrategy !== "linear") {
      throw new Error(`anneal_strategy must by one of 'cos' or 'linear', instead got ${o.annealStrategy}`);
    }
    const n = optimizer.paramGroups.length;
    const maxLrs = perGroup(o.maxLr, n, "max_lr");
    if (o.lastEpoch === -1) {
      optimizer.paramGroups.forEach((g, i) => {
        g.initialLr = maxLrs[i] / o.divFactor;
        g.maxLr = maxLrs[i];
        g.minLr = (g.initialLr as number) / o.finalDivFactor;
      });
    }
    let useBeta1 = false;
    if (o.cycleMomentum) {
      useBeta1 = momentumKind(optimizer, "OneCycleLR");
      const maxM = perGroup(o.maxMomentum, n, "max_momentum"), baseM = perGroup(o.baseMomentum, n, "base_momentum");
      if (o.lastEpoch === -1) {
        optimizer.paramGroups.forEach((g, i) => {
          setMomentum(g, useBeta1, maxM[i]);
          g.maxMomentum = maxM[i];
          g.baseMomentum = baseM[i];
        });
      }
    }
    super(optimizer, o.lastEpoch);
    this.totalSteps = total;
    this.cycleMomentum = o.cycleMomentum;
    this.useBeta1 = useBeta1;
    const p = o.pctStart * total;
    this.phases = o.threePhase
      ? [
          { endStep: p - 1, startLr: "initialLr", endLr: "maxLr", startMomentum: "maxMomentum", endMomentum: "baseMomentum" },
          { endStep: 2 * p - 2, startLr: "maxLr", endLr: "initialLr", startMomentum: "baseMomentum", endMomentum: "maxMomentum" },
          { endStep: total - 1, startLr: "initialLr", endLr: "minLr", startMomentum: "maxMomentum", endMomentum: "maxMomentum" },
        ]
      : [
          { endStep: p - 1, startLr: "initialLr", endLr: "maxLr", startMomentum: "maxMomentum", endMomentum: "baseMomentum" },
          { endStep: total - 1, startLr: "maxLr", endLr: "minLr", startMomentum: "baseMomentum", endMomentum: "maxMomentum" },
        ];
    this.anneal = o.annealStrategy === "cos"
      ? (start, end, pct) => end + ((start - end) / 2) * (Math.cos(Math.PI * pct) + 1)
      : (start, end, pct) => (end - start) * pct + start;
    this.initialStep();
  }

  protected getLr(): number[] {
    const stepNum = this.lastEpoch;
    if (stepNum > this.totalSteps) {
      throw new Error(`Tried to step ${stepNum} times. The specified number of total steps is ${this.totalSteps}`);
    }
    return this.optimizer.paramGroups.map((g) => {
      let start = 0, lr = 0;
      for (const [i, phase] of this.phases.entries()) {
        if (stepNum <= phase.endStep || i === this.phases.length - 1) {
          const pct = (stepNum - start) / (phase.endStep - start);
          lr = this.anneal(g[phase.startLr] as number, g[phase.endLr] as number, pct);
          if (this.cycleMomentum) {
            setMomentum(g, this.useBeta1, this.anneal(g[phase.startMomentum] as number, g[phase.endMomentum] as number, pct));
          }
          break;
        }
        start = phase.endStep;
      }
      return lr;
    });
  }
}
