import { LRScheduler } from "./lrScheduler";
import type { Optimizer } from "./optimizer";
import { schedulerArgs } from "./schedulerOptions";

// Schedulers that scale the lr by a factor at given epochs: MultiStepLR, MultiplicativeLR, and the
// warm-up/decay ramps ConstantLR, LinearLR, PolynomialLR (PyTorch's chainable forms, step by step).

type AnyOptimizer = Optimizer<any>;

export interface MultiStepLROptions { milestones: number[]; gamma: number; lastEpoch: number }

/** Multiplies the lr by gamma at each milestone (a milestone listed twice applies gamma twice). */
export class MultiStepLR extends LRScheduler {
  readonly milestones: Map<number, number>;
  readonly gamma: number;

  constructor(optimizer: AnyOptimizer, ...args: Array<number[] | number | Partial<MultiStepLROptions>>) {
    const o = schedulerArgs<MultiStepLROptions>("MultiStepLR", args, ["milestones", "gamma", "lastEpoch"],
      { milestones: "any", gamma: "float", lastEpoch: "int" }, { gamma: 0.1, lastEpoch: -1 });
    super(optimizer, o.lastEpoch);
    this.milestones = new Map();
    for (const m of o.milestones) this.milestones.set(m, (this.milestones.get(m) ?? 0) + 1);
    this.gamma = o.gamma;
    this.initialStep();
  }

  protected getLr(): number[] {
    const count = this.milestones.get(this.lastEpoch);
    const lrs = this.groupLrs();
    return count === undefined ? lrs : lrs.map((lr) => lr * Math.pow(this.gamma, count));
  }
}

export interface MultiplicativeLROptions { lrLambda: ((epoch: number) => number) | Array<(epoch: number) => number>; lastEpoch: number }

/** Multiplies the lr by lrLambda(epoch) every epoch after the first. */
export class MultiplicativeLR extends LRScheduler {
  readonly lrLambdas: Array<(epoch: number) => number>;

  constructor(optimizer: AnyOptimizer, ...args: Array<MultiplicativeLROptions["lrLambda"] | number | Partial<MultiplicativeLROptions>>) {
    const o = schedulerArgs<MultiplicativeLROptions>("MultiplicativeLR", args, ["lrLambda", "lastEpoch"],
      { lrLambda: "any", lastEpoch: "int" }, { lastEpoch: -1 });
    super(optimizer, o.lastEpoch);
    const n = optimizer.paramGroups.length;
    if (Array.isArray(o.lrLambda) && o.lrLambda.length !== n) throw new Error(`Expected ${n} lr_lambdas, but got ${o.lrLambda.length}`);
    this.lrLambdas = Array.isArray(o.lrLambda) ? o.lrLambda : new Array(n).fill(o.lrLambda);
    this.initialStep();
  }

  protected getLr(): number[] {
    const lrs = this.groupLrs();
    return this.lastEpoch > 0 ? lrs.map((lr, i) => lr * this.lrLambdas[i](this.lastEpoch)) : lrs;
  }
}

export interface ConstantLROptions { factor: number; totalIters: number; lastEpoch: number }

/** lr · factor for the first totalIters epochs, then the lr itself. */
export class ConstantLR extends LRScheduler {
  readonly factor: number;
  readonly totalIters: number;

  constructor(optimizer: AnyOptimizer, ...args: Array<number | Partial<ConstantLROptions>>) {
    const o = schedulerArgs<ConstantLROptions>("ConstantLR", args, ["factor", "totalIters", "lastEpoch"],
      { factor: "float", totalIters: "int", lastEpoch: "int" }, { factor: 1 / 3, totalIters: 5, lastEpoch: -1 });
    if (o.factor > 1 || o.factor < 0) throw new Error("Constant multiplicative factor expected to be between 0 and 1.");
    super(optimizer, o.lastEpoch);
    this.factor = o.factor;
    this.totalIters = o.totalIters;
    this.initialStep();
  }

  protected getLr(): number[] {
    const lrs = this.groupLrs();
    if (this.lastEpoch === 0) return lrs.map((lr) => lr * this.factor);
    if (this.lastEpoch !== this.totalIters) return lrs;
    return lrs.map((lr) => lr * (1 / this.factor));
  }
}

export interface LinearLROptions { startFactor: number; endFactor: number; totalIters: number; lastEpoch: number }

/** Ramps the lr factor linearly from startFactor to endFactor over totalIters epochs (warm-up). */
export class LinearLR extends LRScheduler {
  readonly startFactor: number;
  readonly endFactor: number;
  readonly totalIters: number;

  constructor(optimizer: AnyOptimizer, ...args: Array<number | Partial<LinearLROptions>>) {
    const o = schedulerArgs<LinearLROptions>("LinearLR", args, ["startFactor", "endFactor", "totalIters", "lastEpoch"],
      { startFactor: "float", endFactor: "float", totalIters: "int", lastEpoch: "int" },
      { startFactor: 1 / 3, endFactor: 1, totalIters: 5, lastEpoch: -1 });
    if (o.startFactor > 1 || o.startFactor <= 0) {
      throw new Error("Starting multiplicative factor expected to be greater than 0 and less or equal to 1.");
    }
    if (o.endFactor > 1 || o.endFactor < 0) throw new Error("Ending multiplicative factor expected to be between 0 and 1.");
    super(optimizer, o.lastEpoch);
    this.startFactor = o.startFactor;
    this.endFactor = o.endFactor;
    this.totalIters = o.totalIters;
    this.initialStep();
  }

  protected getLr(): number[] {
    const { lastEpoch: e, startFactor: s, endFactor: f, totalIters: n } = this;
    const lrs = this.groupLrs();
    if (e === 0) return lrs.map((lr) => lr * s);
    if (e > n) return lrs;
    return lrs.map((lr) => lr * (1 + (f - s) / (n * s + (e - 1) * (f - s))));
  }
}

export interface PolynomialLROptions { totalIters: number; power: number; lastEpoch: number }

/** Decays the lr to 0 over totalIters epochs as (1 - t/totalIters)^power. */
export class PolynomialLR extends LRScheduler {
  readonly totalIters: number;
  readonly power: number;

  constructor(optimizer: AnyOptimizer, ...args: Array<number | Partial<PolynomialLROptions>>) {
    const o = schedulerArgs<PolynomialLROptions>("PolynomialLR", args, ["totalIters", "power", "lastEpoch"],
      { totalIters: "int", power: "float", lastEpoch: "int" }, { totalIters: 5, power: 1, lastEpoch: -1 });
    super(optimizer, o.lastEpoch);
    this.totalIters = o.totalIters;
    this.power = o.power;
    this.initialStep();
  }

  protected getLr(): number[] {
    const { lastEpoch: e, totalIters: n } = this;
    const lrs = this.groupLrs();
    if (e === 0 || e > n) return lrs;
    const decay = Math.pow((1 - e / n) / (1 - (e - 1) / n), this.power);
    return lrs.map((lr) => lr * decay);
  }
}
