import type { Optimizer } from "./optimizer";

// Learning-rate schedulers (PyTorch's recursive "chainable" forms, so values match step by step).
// Each constructor records initialLr in every group and performs the initial step (lastEpoch 0).

type AnyOptimizer = Optimizer<any>;

export abstract class LRScheduler {
  lastEpoch: number;
  readonly baseLrs: number[];
  private lastLr: number[] = [];

  constructor(readonly optimizer: AnyOptimizer, lastEpoch = -1) {
    for (const [i, g] of optimizer.paramGroups.entries()) {
      if (lastEpoch === -1) {
        if (g.initialLr === undefined) g.initialLr = g.lr;
      } else if (g.initialLr === undefined) {
        throw new Error(`param 'initial_lr' is not specified in param_groups[${i}] when resuming an optimizer`);
      }
    }
    this.baseLrs = optimizer.paramGroups.map((g) => g.initialLr as number);
    this.lastEpoch = lastEpoch;
  }

  /** Subclasses call this at the end of their constructor (after their own fields exist). */
  protected initialStep(): void {
    this.step();
  }

  protected abstract getLr(): number[];

  protected groupLrs(): number[] {
    return this.optimizer.paramGroups.map((g) => g.lr as number);
  }

  step(): void {
    this.lastEpoch += 1;
    const lrs = this.getLr();
    this.optimizer.paramGroups.forEach((g, i) => (g.lr = lrs[i]));
    this.lastLr = lrs;
  }

  getLastLr(): number[] {
    return [...this.lastLr];
  }

  stateDict(): { lastEpoch: number; baseLrs: number[]; lastLr: number[] } {
    return { lastEpoch: this.lastEpoch, baseLrs: [...this.baseLrs], lastLr: [...this.lastLr] };
  }

  loadStateDict(state: { lastEpoch: number; lastLr?: number[] }): void {
    this.lastEpoch = state.lastEpoch;
    if (state.lastLr) this.lastLr = [...state.lastLr];
  }
}

/** Multiplies the lr by gamma every stepSize epochs. */
export class StepLR extends LRScheduler {
  readonly stepSize: number;
  readonly gamma: number;

  constructor(optimizer: AnyOptimizer, stepSize: number | { stepSize: number; gamma?: number; lastEpoch?: number }, gamma = 0.1, lastEpoch = -1) {
    const o = typeof stepSize === "number" ? { stepSize, gamma, lastEpoch } : stepSize;
    super(optimizer, o.lastEpoch ?? -1);
    this.stepSize = o.stepSize;
    this.gamma = o.gamma ?? 0.1;
    this.initialStep();
  }

  protected getLr(): number[] {
    const lrs = this.groupLrs();
    if (this.lastEpoch === 0 || this.lastEpoch % this.stepSize !== 0) return lrs;
    return lrs.map((lr) => lr * this.gamma);
  }
}

/** Multiplies the lr by gamma every epoch. */
export class ExponentialLR extends LRScheduler {
  readonly gamma: number;

  constructor(optimizer: AnyOptimizer, gamma: number | { gamma: number; lastEpoch?: number }, lastEpoch = -1) {
    const o = typeof gamma === "number" ? { gamma, lastEpoch } : gamma;
    super(optimizer, o.lastEpoch ?? -1);
    this.gamma = o.gamma;
    this.initialStep();
  }

  protected getLr(): number[] {
    const lrs = this.groupLrs();
    return this.lastEpoch === 0 ? lrs : lrs.map((lr) => lr * this.gamma);
  }
}

/** Cosine annealing from the base lr down to etaMin over tMax epochs (PyTorch's recursive form). */
export class CosineAnnealingLR extends LRScheduler {
  readonly tMax: number;
  readonly etaMin: number;

  constructor(optimizer: AnyOptimizer, tMax: number | { tMax: number; etaMin?: number; lastEpoch?: number }, etaMin = 0, lastEpoch = -1) {
    const o = typeof tMax === "number" ? { tMax, etaMin, lastEpoch } : tMax;
    super(optimizer, o.lastEpoch ?? -1);
    this.tMax = o.tMax;
    this.etaMin = o.etaMin ?? 0;
    this.initialStep();
  }

  protected getLr(): number[] {
    const { lastEpoch: e, tMax, etaMin } = this;
    const lrs = this.groupLrs();
    if (e === 0) return lrs;
    if ((e - 1 - tMax) % (2 * tMax) === 0) {
      return lrs.map((lr, i) => lr + ((this.baseLrs[i] - etaMin) * (1 - Math.cos(Math.PI / tMax))) / 2);
    }
    return lrs.map(
      (lr) => ((1 + Math.cos((Math.PI * e) / tMax)) / (1 + Math.cos((Math.PI * (e - 1)) / tMax))) * (lr - etaMin) + etaMin,
    );
  }
}

/** lr = baseLr · lrLambda(epoch), one function for all groups or one per group. */
export class LambdaLR extends LRScheduler {
  readonly lrLambdas: Array<(epoch: number) => number>;

  constructor(optimizer: AnyOptimizer, lrLambda: ((epoch: number) => number) | Array<(epoch: number) => number>, lastEpoch = -1) {
    super(optimizer, lastEpoch);
    const n = optimizer.paramGroups.length;
    if (Array.isArray(lrLambda) && lrLambda.length !== n) throw new Error(`Expected ${n} lr_lambdas, but got ${lrLambda.length}`);
    this.lrLambdas = Array.isArray(lrLambda) ? lrLambda : new Array(n).fill(lrLambda);
    this.initialStep();
  }

  protected getLr(): number[] {
    return this.baseLrs.map((base, i) => base * this.lrLambdas[i](this.lastEpoch));
  }
}
