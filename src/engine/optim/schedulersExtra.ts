import type { Optimizer } from "./optimizer";
import { LRScheduler } from "./lrScheduler";

// The remaining torch.optim.lr_scheduler classes. Epoch-indexed ones use PyTorch's closed forms
// (equal to its chainable forms when one scheduler drives the optimizer).

type AnyOptimizer = Optimizer<any>;

export class MultiStepLR extends LRScheduler {
  constructor(optimizer: AnyOptimizer, readonly milestones: number[], readonly gamma = 0.1, lastEpoch = -1) {
    super(optimizer, lastEpoch);
    this.initialStep();
  }
  protected getLr(): number[] {
    const n = this.milestones.filter((m) => m <= this.lastEpoch).length;
    return this.baseLrs.map((b) => b * Math.pow(this.gamma, n));
  }
}

export class ConstantLR extends LRScheduler {
  constructor(optimizer: AnyOptimizer, readonly factor = 1 / 3, readonly totalIters = 5, lastEpoch = -1) {
    super(optimizer, lastEpoch);
    this.initialStep();
  }
  protected getLr(): number[] {
    return this.baseLrs.map((b) => b * (this.lastEpoch >= this.totalIters ? 1 : this.factor));
  }
}

export class LinearLR extends LRScheduler {
  readonly startFactor: number;
  readonly endFactor: number;
  readonly totalIters: number;
  constructor(optimizer: AnyOptimizer, options: { startFactor?: number; endFactor?: number; totalIters?: number; lastEpoch?: number } = {}) {
    super(optimizer, options.lastEpoch ?? -1);
    this.startFactor = options.startFactor ?? 1 / 3;
    this.endFactor = options.endFactor ?? 1;
    this.totalIters = options.totalIters ?? 5;
    this.initialStep();
  }
  protected getLr(): number[] {
    const t = Math.min(this.totalIters, this.lastEpoch);
    return this.baseLrs.map((b) => b * (this.startFactor + ((this.endFactor - this.startFactor) * t) / this.totalIters));
  }
}

export class MultiplicativeLR extends LRScheduler {
  constructor(optimizer: AnyOptimizer, readonly lrLambda: (epoch: number) => number, lastEpoch = -1) {
    super(optimizer, lastEpoch);
    this.initialStep();
  }
  protected getLr(): number[] {
    const lrs = this.groupLrs();
    return this.lastEpoch > 0 ? lrs.map((lr) => lr * this.lrLambda(this.lastEpoch)) : lrs;
  }
}

export class PolynomialLR extends LRScheduler {
  constructor(optimizer: AnyOptimizer, readonly totalIters = 5, readonly power = 1, lastEpoch = -1) {
    super(optimizer, lastEpoch);
    this.initialStep();
  }
  protected getLr(): number[] {
    const t = Math.min(this.totalIters, this.lastEpoch);
    return this.baseLrs.map((b) => b * Math.pow(1 - t / this.totalIters, this.power));
  }
}

export class CosineAnnealingWarmRestarts extends LRScheduler {
  tI: number;
  tCur: number;
  constructor(optimizer: AnyOptimizer, readonly t0: number, readonly tMult = 1, readonly etaMin = 0, lastEpoch = -1) {
    super(optimizer, lastEpoch);
    if (t0 <= 0 || !Number.isInteger(t0)) throw new Error(`Expected positive integer T_0, but got ${t0}`);
    if (tMult < 1 || !Number.isInteger(tMult)) throw new Error(`Expected integer T_mult >= 1, but got ${tMult}`);
    this.tI = t0;
    this.tCur = lastEpoch;
    this.initialStep();
  }
  protected getLr(): number[] {
    return this.baseLrs.map((b) => this.etaMin + ((b - this.etaMin) * (1 + Math.cos((Math.PI * this.tCur) / this.tI))) / 2);
  }
  override step(epoch?: number): void {
    if (epoch === undefined) {
      this.tCur += 1;
      if (this.tCur >= this.tI) {
        this.tCur -= this.tI;
        this.tI *= this.tMult;
      }
    } else if (epoch >= this.t0) {
      if (this.tMult === 1) this.tCur = epoch % this.t0;
      else {
        const n = Math.floor(Math.log((epoch / this.t0) * (this.tMult - 1) + 1) / Math.log(this.tMult));
        this.tCur = epoch - (this.t0 * (Math.pow(this.tMult, n) - 1)) / (this.tMult - 1);
        this.tI = this.t0 * Math.pow(this.tMult, n);
      }
    } else {
      this.tI = this.t0;
      this.tCur = epoch;
    }
    super.step();
  }
}

export interface OneCycleOptions {
  maxLr: number | number[]; totalSteps?: number; epochs?: number; stepsPerEpoch?: number; pctStart?: number;
  annealStrategy?: "cos" | "linear"; divFactor?: number; finalDivFactor?: number; threePhase?: boolean; lastEpoch?: number;
}

/** OneCycleLR (lr only; PyTorch also cycles momentum, not modelled). */
export class OneCycleLR extends LRScheduler {
  readonly totalSteps: number;
  private readonly phases: Array<{ end: number; start: "initial" | "max" | "min"; stop: "initial" | "max" | "min" }>;
  private readonly lrs: Array<{ initial: number; max: number; min: number }>;
  private readonly anneal: (start: number, end: number, pct: number) => number;
  constructor(optimizer: AnyOptimizer, options: OneCycleOptions) {
    const total = options.totalSteps ?? (options.epochs !== undefined && options.stepsPerEpoch !== undefined ? options.epochs * options.stepsPerEpoch : NaN);
    if (!(total > 0)) throw new Error("You must define either total_steps OR (epochs AND steps_per_epoch)");
    const maxLrs = Array.isArray(options.maxLr) ? options.maxLr : optimizer.paramGroups.map(() => options.maxLr as number);
    const div = options.divFactor ?? 25, finalDiv = options.finalDivFactor ?? 1e4, pct = options.pctStart ?? 0.3;
    // PyTorch sets each group's initial_lr to max_lr / div_factor before the base scheduler reads it
    if ((options.lastEpoch ?? -1) === -1) optimizer.paramGroups.forEach((g, i) => { g.initialLr = maxLrs[i] / div; g.lr = maxLrs[i] / div; });
    super(optimizer, options.lastEpoch ?? -1);
    this.totalSteps = total;
    this.lrs = maxLrs.map((m) => ({ initial: m / div, max: m, min: m / div / finalDiv }));
    this.phases = options.threePhase
      ? [
          { end: pct * total - 1, start: "initial", stop: "max" },
          { end: 2 * pct * total - 2, start: "max", stop: "initial" },
          { end: total - 1, start: "initial", stop: "min" },
        ]
      : [
          { end: pct * total - 1, start: "initial", stop: "max" },
          { end: total - 1, start: "max", stop: "min" },
        ];
    this.anneal = (options.annealStrategy ?? "cos") === "cos"
      ? (a, b, p) => b + ((a - b) / 2) * (Math.cos(Math.PI * p) + 1)
      : (a, b, p) => (b - a) * p + a;
    this.initialStep();
  }
  protected getLr(): number[] {
    const step = this.lastEpoch;
    if (step > this.totalSteps) throw new Error(`Tried to step ${step} times. The specified number of total steps is ${this.totalSteps}`);
    return this.lrs.map((l) => {
      let start = 0, lr = l.initial;
      for (const [i, ph] of this.phases.entries()) {
        if (step <= ph.end || i === this.phases.length - 1) {
          lr = this.anneal(l[ph.start], l[ph.stop], (step - start) / (ph.end - start));
          break;
        }
        start = ph.end;
      }
      return lr;
    });
  }
}

export interface CyclicOptions {
  baseLr: number | number[]; maxLr: number | number[]; stepSizeUp?: number; stepSizeDown?: number | null;
  mode?: "triangular" | "triangular2" | "exp_range"; gamma?: number; lastEpoch?: number;
}
/** CyclicLR (lr only; momentum cycling not modelled). */
export class CyclicLR extends LRScheduler {
  private readonly base: number[];
  private readonly max: number[];
  private readonly total: number;
  private readonly ratio: number;
  constructor(optimizer: AnyOptimizer, readonly options: CyclicOptions) {
    const n = optimizer.paramGroups.length;
    const base = Array.isArray(options.baseLr) ? options.baseLr : Array(n).fill(options.baseLr);
    if ((options.lastEpoch ?? -1) === -1) optimizer.paramGroups.forEach((g, i) => { g.lr = base[i]; g.initialLr = base[i]; });
    super(optimizer, options.lastEpoch ?? -1);
    this.base = base;
    this.max = Array.isArray(options.maxLr) ? options.maxLr : Array(n).fill(options.maxLr);
    const up = options.stepSizeUp ?? 2000, down = options.stepSizeDown ?? up;
    this.total = up + down;
    this.ratio = up / this.total;
    this.initialStep();
  }
  protected getLr(): number[] {
    const e = this.lastEpoch;
    const cycle = Math.floor(1 + e / this.total);
    const x = 1 + e / this.total - cycle;
    const scale = x <= this.ratio ? x / this.ratio : (x - 1) / (this.ratio - 1);
    const mode = this.options.mode ?? "triangular", gamma = this.options.gamma ?? 1;
    const f = mode === "triangular" ? 1 : mode === "triangular2" ? 1 / Math.pow(2, cycle - 1) : Math.pow(gamma, e);
    return this.base.map((b, i) => b + (this.max[i] - b) * scale * f);
  }
}

export interface PlateauOptions { mode?: "min" | "max"; factor?: number; patience?: number; threshold?: number; thresholdMode?: "rel" | "abs"; cooldown?: number; minLr?: number | number[]; eps?: number }
/** ReduceLROnPlateau: `step(metric)` lowers the lr by factor after `patience` epochs without improvement. */
export class ReduceLROnPlateau {
  private best: number;
  private badEpochs = 0;
  private cooldownCounter = 0;
  lastEpoch = 0;
  constructor(readonly optimizer: AnyOptimizer, readonly options: PlateauOptions = {}) {
    if ((options.factor ?? 0.1) >= 1) throw new Error("Factor should be < 1.0.");
    this.best = (options.mode ?? "min") === "min" ? Infinity : -Infinity;
  }
  private better(a: number): boolean {
    const { mode = "min", threshold = 1e-4, thresholdMode = "rel" } = this.options;
    if (mode === "min") return thresholdMode === "rel" ? a < this.best * (1 - threshold) : a < this.best - threshold;
    return thresholdMode === "rel" ? a > this.best * (threshold + 1) : a > this.best + threshold;
  }
  step(metric: number | { item(): number }): void {
    const current = typeof metric === "number" ? metric : metric.item();
    this.lastEpoch += 1;
    if (this.better(current)) { this.best = current; this.badEpochs = 0; } else this.badEpochs += 1;
    if (this.cooldownCounter > 0) { this.cooldownCounter -= 1; this.badEpochs = 0; }
    if (this.badEpochs > (this.options.patience ?? 10)) {
      const minLrs = Array.isArray(this.options.minLr) ? this.options.minLr : this.optimizer.paramGroups.map(() => (this.options.minLr as number) ?? 0);
      this.optimizer.paramGroups.forEach((g, i) => {
        const old = g.lr as number, next = Math.max(old * (this.options.factor ?? 0.1), minLrs[i]);
        if (old - next > (this.options.eps ?? 1e-8)) g.lr = next;
      });
      this.cooldownCounter = this.options.cooldown ?? 0;
      this.badEpochs = 0;
    }
  }
  getLastLr(): number[] {
    return this.optimizer.paramGroups.map((g) => g.lr as number);
  }
}

/** SequentialLR: each scheduler in turn, switching at the milestones. */
export class SequentialLR {
  lastEpoch: number;
  constructor(readonly optimizer: AnyOptimizer, readonly schedulers: LRScheduler[], readonly milestones: number[], lastEpoch = -1) {
    if (milestones.length !== schedulers.length - 1) throw new Error(`Sequential Schedulers expects number of schedulers provided to be one more than the number of milestone points, but got number of schedulers ${schedulers.length} and the number of milestones to be equal to ${milestones.length}`);
    this.lastEpoch = lastEpoch + 1;
    // undo the other schedulers' initial steps, as PyTorch does
    optimizer.paramGroups.forEach((g) => (g.lr = g.initialLr));
    for (const s of schedulers) s.lastEpoch -= 1;
    schedulers[0].step();
  }
  step(): void {
    this.lastEpoch += 1;
    const idx = this.milestones.filter((m) => m <= this.lastEpoch).length;
    const s = this.schedulers[idx];
    if (idx > 0 && this.milestones[idx - 1] === this.lastEpoch) {
      s.lastEpoch = -1;
      s.step();
    } else s.step();
  }
  getLastLr(): number[] {
    return this.optimizer.paramGroups.map((g) => g.lr as number);
  }
}

/** ChainedScheduler: steps every scheduler each time. */
export class ChainedScheduler {
  constructor(readonly schedulers: LRScheduler[]) {}
  step(): void {
    for (const s of this.schedulers) s.step();
  }
  getLastLr(): number[] {
    return this.schedulers[this.schedulers.length - 1].getLastLr();
  }
}
