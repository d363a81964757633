import { LRScheduler } from "./lrScheduler";
import type { Optimizer } from "./optimizer";
import { MultiplicativeLR } from "./stepSchedulers";
import { CosineAnnealingWarmRestarts } from "./cyclicSchedulers";
import { schedulerArgs } from "./schedulerOptions";

// Schedulers made of schedulers: SequentialLR (one after another at milestones) and ChainedScheduler
// (all of them every step, their factors multiplied).

type AnyOptimizer = Optimizer<any>;

/**
 * PyTorch's `scheduler.step(0)` when SequentialLR switches: the closed-form lr at epoch 0, i.e. the
 * base lr for the chainable schedulers (MultiplicativeLR has no closed form: it keeps the current lr).
 */
function restart(s: LRScheduler): void {
  if (s instanceof CosineAnnealingWarmRestarts) return s.step(0);
  if (!(s instanceof MultiplicativeLR)) s.optimizer.paramGroups.forEach((g, i) => (g.lr = s.baseLrs[i]));
  s.lastEpoch = -1;
  s.step();
}

export interface SequentialLROptions { schedulers: LRScheduler[]; milestones: number[]; lastEpoch: number }

export class SequentialLR extends LRScheduler {
  readonly schedulers: LRScheduler[];
  readonly milestones: number[];
  private current: number[];

  constructor(optimizer: AnyOptimizer, ...args: Array<LRScheduler[] | number[] | number | Partial<SequentialLROptions>>) {
    const o = schedulerArgs<SequentialLROptions>("SequentialLR", args, ["schedulers", "milestones", "lastEpoch"],
      { schedulers: "any", milestones: "any", lastEpoch: "int" }, { lastEpoch: -1 });
    if (o.schedulers.length < 1) throw new Error("SequentialLR expects at least one scheduler, but got no scheduler.");
    o.schedulers.forEach((s, i) => {
      if (!(s instanceof LRScheduler)) throw new TypeError(`SequentialLR expects schedulers of LRScheduler type, but got ${typeof s} at index ${i}`);
      if (s.optimizer !== optimizer) {
        throw new Error(`SequentialLR expects all schedulers to belong to the same optimizer, but got scheduler at index ${i} to be different than the optimizer passed in.`);
      }
    });
    if (o.milestones.length !== o.schedulers.length - 1) {
      throw new Error(`Sequential Schedulers expects number of schedulers provided to be one more than the number of milestone points, but got number of schedulers ${o.schedulers.length} and the number of milestones to be equal to ${o.milestones.length}`);
    }
    super(optimizer, o.lastEpoch);
    this.schedulers = o.schedulers;
    this.milestones = o.milestones;
    this.lastEpoch = o.lastEpoch + 1;
    // undo the initial steps the schedulers took when they were made; only the first one starts
    for (const g of optimizer.paramGroups) g.lr = g.initialLr;
    for (const s of this.schedulers) s.lastEpoch -= 1;
    this.schedulers[0].step();
    this.current = this.schedulers[0].getLastLr();
  }

  protected getLr(): number[] {
    return this.groupLrs();
  }

  override step(): void {
    this.lastEpoch += 1;
    const idx = this.milestones.filter((m) => m <= this.lastEpoch).length;
    const s = this.schedulers[idx];
    if (idx > 0 && this.milestones[idx - 1] === this.lastEpoch) restart(s);
    else s.step();
    this.current = s.getLastLr();
  }

  override getLastLr(): number[] {
    return [...this.current];
  }
}

/** Steps every scheduler each step (their effects compose); the lrs are those of the last one. */
export class ChainedScheduler {
  readonly schedulers: LRScheduler[];
  readonly optimizer: AnyOptimizer;
  private current: number[];

  constructor(schedulers: LRScheduler[], optimizer?: AnyOptimizer) {
    if (!Array.isArray(schedulers) || schedulers.length < 1) throw new Error("ChainedScheduler expects at least one scheduler to be chained, but got no scheduler.");
    this.optimizer = optimizer ?? schedulers[0].optimizer;
    schedulers.forEach((s, i) => {
      if (!(s instanceof LRScheduler)) throw new TypeError(`ChainedScheduler expects schedulers of LRScheduler type, but got ${typeof s} at index ${i}`);
      if (s.optimizer !== this.optimizer) {
        throw new Error(`ChainedScheduler expects all schedulers to belong to the same optimizer, but got scheduler at index ${i} to be different than the optimizer passed in.`);
      }
    });
    this.schedulers = schedulers;
    this.current = this.optimizer.paramGroups.map((g) => g.lr as number);
  }

  step(): void {
    for (const s of this.schedulers) s.step();
    this.current = this.optimizer.paramGroups.map((g) => g.lr as number);
  }

  getLastLr(): number[] {
    return [...this.current];
  }
}
