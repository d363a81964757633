import { Tensor } from "../tensor";
import type { Optimizer } from "./optimizer";
import { schedulerArgs } from "./schedulerOptions";

// torch.optim.lr_scheduler.ReduceLROnPlateau: step(metric) after validation; the lr is multiplied by
// factor once the metric has not improved for more than `patience` epochs.

type AnyOptimizer = Optimizer<any>;

export interface ReduceLROnPlateauOptions {
  mode: "min" | "max";
  factor: number;
  patience: number;
  threshold: number;
  thresholdMode: "rel" | "abs";
  cooldown: number;
  minLr: number | number[];
  eps: number;
  verbose: boolean;
}

export class ReduceLROnPlateau {
  readonly mode: "min" | "max";
  readonly factor: number;
  readonly patience: number;
  readonly threshold: number;
  readonly thresholdMode: "rel" | "abs";
  readonly cooldown: number;
  readonly minLrs: number[];
  readonly eps: number;
  best: number;
  numBadEpochs = 0;
  cooldownCounter = 0;
  lastEpoch = 0;
  private lastLr: number[];

  constructor(readonly optimizer: AnyOptimizer, ...args: Array<string | number | number[] | boolean | Partial<ReduceLROnPlateauOptions>>) {
    const o = schedulerArgs<ReduceLROnPlateauOptions>("ReduceLROnPlateau", args,
      ["mode", "factor", "patience", "threshold", "thresholdMode", "cooldown", "minLr", "eps", "verbose"],
      { mode: "str", factor: "float", patience: "int", threshold: "float", thresholdMode: "str", cooldown: "int", minLr: "any", eps: "float", verbose: "bool" },
      { mode: "min", factor: 0.1, patience: 10, threshold: 1e-4, thresholdMode: "rel", cooldown: 0, minLr: 0, eps: 1e-8, verbose: false });
    if (o.factor >= 1) throw new Error("Factor should be < 1.0.");
    const n = optimizer.paramGroups.length;
    if (Array.isArray(o.minLr)) {
      if (o.minLr.length !== n) throw new Error(`expected ${n} min_lrs, got ${o.minLr.length}`);
      this.minLrs = [...o.minLr];
    } else {
      this.minLrs = new Array(n).fill(o.minLr);
    }
    if (o.mode !== "min" && o.mode !== "max") throw new Error(`mode ${o.mode} is unknown!`);
    if (o.thresholdMode !== "rel" && o.thresholdMode !== "abs") throw new Error(`threshold mode ${o.thresholdMode} is unknown!`);
    this.mode = o.mode;
    this.factor = o.factor;
    this.patience = o.patience;
    this.threshold = o.threshold;
    this.thresholdMode = o.thresholdMode;
    this.cooldown = o.cooldown;
    this.eps = o.eps;
    this.best = o.mode === "min" ? Infinity : -Infinity;
    this.lastLr = optimizer.paramGroups.map((g) => g.lr as number);
  }

  /** One epoch's metric (a number or a one-element tensor such as the validation loss). */
  step(metrics: number | Tensor): void {
    const current = metrics instanceof Tensor ? metrics.item() : metrics;
    if (typeof current !== "number") throw new TypeError(`ReduceLROnPlateau.step(): argument 'metrics' must be float, not ${typeof metrics}`);
    this.lastEpoch += 1;
    if (this.isBetter(current)) {
      this.best = current;
      this.numBadEpochs = 0;
    } else {
      this.numBadEpochs += 1;
    }
    if (this.cooldownCounter > 0) {
      this.cooldownCounter -= 1;
      this.numBadEpochs = 0;
    }
    if (this.numBadEpochs > this.patience) {
      this.optimizer.paramGroups.forEach((g, i) => {
        const old = g.lr as number;
        const lr = Math.max(old * this.factor, this.minLrs[i]);
        if (old - lr > this.eps) g.lr = lr;
      });
      this.cooldownCounter = this.cooldown;
      this.numBadEpochs = 0;
    }
    this.lastLr = this.optimizer.paramGroups.map((g) => g.lr as number);
  }

  getLastLr(): number[] {
    return [...this.lastLr];
  }

  private isBetter(a: number): boolean {
    const { best, threshold } = this;
    if (this.mode === "min") return this.thresholdMode === "rel" ? a < best * (1 - threshold) : a < best - threshold;
    return this.thresholdMode === "rel" ? a > best * (threshold + 1) : a > best + threshold;
  }
}
