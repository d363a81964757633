import type { Tensor } from "../tensor";
import { updateInPlace, valuesOf, zerosOf } from "../functional/raw";
import { checkOptions } from "../options";
import { Optimizer, checkNonNegative, type ParamGroup, type ParamsInput, type ParamState } from "./optimizer";

// Adagrad, Adadelta, Adamax, NAdam and RAdam: PyTorch's single-tensor updates (torch/optim/*.py),
// one loop per parameter over its values; state names as PyTorch's (step, sum, exp_avg, ...).

type Spec = Record<string, string>;
const BASE: Spec = { lr: "float", eps: "float", weightDecay: "float", maximize: "bool", foreach: "bool?", differentiable: "bool", capturable: "bool" };

/** Validates the options, then runs `update(p, grad values, state, group)` for every parameter with a grad. */
abstract class ElementwiseOptimizer<O extends { weightDecay: number; maximize: boolean }> extends Optimizer<O> {
  constructor(name: string, params: ParamsInput<O>, options: Partial<O>, spec: Spec, defaults: O) {
    checkOptions(name, options, { ...BASE, ...spec });
    checkNonNegative((defaults as { lr?: number }).lr ?? 0, "learning rate");
    checkNonNegative(defaults.weightDecay, "weight_decay value");
    super(params, defaults);
  }

  protected abstract updateOne(d: Float64Array | Float32Array | Uint8Array, o: number, g: Float64Array, s: ParamState, group: ParamGroup<O>): void;

  protected updateGroup(group: ParamGroup<O>): void {
    for (const p of group.params) {
      if (p.grad === null) continue;
      const raw = valuesOf(p.grad);
      const g = Float64Array.from(raw);
      if (group.maximize) for (let i = 0; i < g.length; i++) g[i] = -g[i];
      const s = this.stateOf(p);
      updateInPlace(p, (d, o) => {
        if (group.weightDecay !== 0) for (let i = 0; i < g.length; i++) g[i] += group.weightDecay * d[o + i];
        this.updateOne(d, o, g, s, group);
      });
    }
  }

  protected buffer(s: ParamState, key: string, p: { length: number }, like: Tensor | null = null, fill = 0): Float64Array | Float32Array {
    if (s[key] === undefined) {
      const t = zerosOf([p.length], like?.dtype ?? "float64");
      if (fill !== 0) (t.storage.data as Float64Array).fill(fill);
      s[key] = t;
    }
    return (s[key] as Tensor).storage.data as Float64Array;
  }
}

export interface AdagradOptions { lr: number; lrDecay: number; weightDecay: number; initialAccumulatorValue: number; eps: number; maximize: boolean }
export class Adagrad extends ElementwiseOptimizer<AdagradOptions> {
  constructor(params: ParamsInput<AdagradOptions>, options: Partial<AdagradOptions> = {}) {
    super("Adagrad", params, options, { lrDecay: "float", initialAccumulatorValue: "float" }, {
      lr: options.lr ?? 1e-2, lrDecay: options.lrDecay ?? 0, weightDecay: options.weightDecay ?? 0,
      initialAccumulatorValue: options.initialAccumulatorValue ?? 0, eps: options.eps ?? 1e-10, maximize: options.maximize ?? false,
    });
  }
  protected updateOne(d: Float64Array, o: number, g: Float64Array, s: ParamState, { lr, lrDecay, eps, initialAccumulatorValue }: ParamGroup<AdagradOptions>): void {
    const sum = this.buffer(s, "sum", g, null, initialAccumulatorValue);
    s.step = ((s.step as number) ?? 0) + 1;
    const clr = lr / (1 + ((s.step as number) - 1) * lrDecay);
    for (let i = 0; i < g.length; i++) {
      sum[i] += g[i] * g[i];
      d[o + i] -= (clr * g[i]) / (Math.sqrt(sum[i]) + eps);
    }
  }
}

export interface AdadeltaOptions { lr: number; rho: number; eps: number; weightDecay: number; maximize: boolean }
export class Adadelta extends ElementwiseOptimizer<AdadeltaOptions> {
  constructor(params: ParamsInput<AdadeltaOptions>, options: Partial<AdadeltaOptions> = {}) {
    super("Adadelta", params, options, { rho: "float" }, {
      lr: options.lr ?? 1, rho: options.rho ?? 0.9, eps: options.eps ?? 1e-6, weightDecay: options.weightDecay ?? 0, maximize: options.maximize ?? false,
    });
  }
  protected updateOne(d: Float64Array, o: number, g: Float64Array, s: ParamState, { lr, rho, eps }: ParamGroup<AdadeltaOptions>): void {
    const sq = this.buffer(s, "square_avg", g), acc = this.buffer(s, "acc_delta", g);
    s.step = ((s.step as number) ?? 0) + 1;
    for (let i = 0; i < g.length; i++) {
      sq[i] = sq[i] * rho + (1 - rho) * g[i] * g[i];
      const delta = (Math.sqrt(acc[i] + eps) / Math.sqrt(sq[i] + eps)) * g[i];
      acc[i] = acc[i] * rho + (1 - rho) * delta * delta;
      d[o + i] -= lr * delta;
    }
  }
}

export interface AdamaxOptions { lr: number; betas: [number, number]; eps: number; weightDecay: number; maximize: boolean }
export class Adamax extends ElementwiseOptimizer<AdamaxOptions> {
  constructor(params: ParamsInput<AdamaxOptions>, options: Partial<AdamaxOptions> = {}) {
    super("Adamax", params, options, { betas: "tuple" }, {
      lr: options.lr ?? 2e-3, betas: options.betas ?? [0.9, 0.999], eps: options.eps ?? 1e-8, weightDecay: options.weightDecay ?? 0, maximize: options.maximize ?? false,
    });
  }
  protected updateOne(d: Float64Array, o: number, g: Float64Array, s: ParamState, { lr, betas: [b1, b2], eps }: ParamGroup<AdamaxOptions>): void {
    const m = this.buffer(s, "exp_avg", g), u = this.buffer(s, "exp_inf", g);
    const step = ((s.step as number) ?? 0) + 1;
    s.step = step;
    const clr = lr / (1 - Math.pow(b1, step));
    for (let i = 0; i < g.length; i++) {
      m[i] += (g[i] - m[i]) * (1 - b1);
      u[i] = Math.max(u[i] * b2, Math.abs(g[i]) + eps);
      d[o + i] -= (clr * m[i]) / u[i];
    }
  }
}

export interface NAdamOptions { lr: number; betas: [number, number]; eps: number; weightDecay: number; momentumDecay: number; maximize: boolean }
export class NAdam extends ElementwiseOptimizer<NAdamOptions> {
  constructor(params: ParamsInput<NAdamOptions>, options: Partial<NAdamOptions> = {}) {
    super("NAdam", params, options, { betas: "tuple", momentumDecay: "float" }, {
      lr: options.lr ?? 2e-3, betas: options.betas ?? [0.9, 0.999], eps: options.eps ?? 1e-8, weightDecay: options.weightDecay ?? 0,
      momentumDecay: options.momentumDecay ?? 4e-3, maximize: options.maximize ?? false,
    });
  }
  protected updateOne(d: Float64Array, o: number, g: Float64Array, s: ParamState, { lr, betas: [b1, b2], eps, momentumDecay }: ParamGroup<NAdamOptions>): void {
    const m = this.buffer(s, "exp_avg", g), v = this.buffer(s, "exp_avg_sq", g);
    const step = ((s.step as number) ?? 0) + 1;
    s.step = step;
    const bc2 = 1 - Math.pow(b2, step);
    const mu = b1 * (1 - 0.5 * Math.pow(0.96, step * momentumDecay));
    const muNext = b1 * (1 - 0.5 * Math.pow(0.96, (step + 1) * momentumDecay));
    const muProduct = ((s.mu_product as number) ?? 1) * mu;
    s.mu_product = muProduct;
    for (let i = 0; i < g.length; i++) {
      m[i] += (g[i] - m[i]) * (1 - b1);
      v[i] = v[i] * b2 + (1 - b2) * g[i] * g[i];
      const denom = Math.sqrt(v[i] / bc2) + eps;
      d[o + i] += (-lr * (1 - mu)) / (1 - muProduct) * (g[i] / denom);
      d[o + i] += (-lr * muNext) / (1 - muProduct * muNext) * (m[i] / denom);
    }
  }
}

export interface RAdamOptions { lr: number; betas: [number, number]; eps: number; weightDecay: number; maximize: boolean }
export class RAdam extends ElementwiseOptimizer<RAdamOptions> {
  constructor(params: ParamsInput<RAdamOptions>, options: Partial<RAdamOptions> = {}) {
    super("RAdam", params, options, { betas: "tuple" }, {
      lr: options.lr ?? 1e-3, betas: options.betas ?? [0.9, 0.999], eps: options.eps ?? 1e-8, weightDecay: options.weightDecay ?? 0, maximize: options.maximize ?? false,
    });
  }
  protected updateOne(d: Float64Array, o: number, g: Float64Array, s: ParamState, { lr, betas: [b1, b2], eps }: ParamGroup<RAdamOptions>): void {
    const m = this.buffer(s, "exp_avg", g), v = this.buffer(s, "exp_avg_sq", g);
    const step = ((s.step as number) ?? 0) + 1;
    s.step = step;
    const bc1 = 1 - Math.pow(b1, step), bc2 = 1 - Math.pow(b2, step);
    const rhoInf = 2 / (1 - b2) - 1;
    const rhoT = rhoInf - (2 * step * Math.pow(b2, step)) / bc2;
    const rect = rhoT > 5 ? Math.sqrt(((rhoT - 4) * (rhoT - 2) * rhoInf) / ((rhoInf - 4) * (rhoInf - 2) * rhoT)) : 0;
    for (let i = 0; i < g.length; i++) {
      m[i] += (g[i] - m[i]) * (1 - b1);
      v[i] = v[i] * b2 + (1 - b2) * g[i] * g[i];
      const mHat = m[i] / bc1;
      if (rhoT > 5) d[o + i] -= lr * mHat * rect * (Math.sqrt(bc2) / (Math.sqrt(v[i]) + eps));
      else d[o + i] -= lr * mHat;
    }
  }
}
