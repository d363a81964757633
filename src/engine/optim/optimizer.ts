import { Tensor } from "../tensor";
import { torchTypeName } from "../dtype";
import { observer } from "../observer";
import { enableGrad } from "../gradMode";
import { zeroGradOf } from "../nn/module";
import { copyOf, valuesOf } from "../functional/raw";
import type { FloatArray } from "../kernels/matmulRef";
import { camelCase, unexpectedKeyError } from "../options";

// torch.optim.Optimizer: parameter groups with defaults, per-parameter state, zeroGrad, step and
// state dicts. Updates are written straight into the parameters' storage (no graph; the version
// counter is bumped, so a graph that saved a parameter notices it changed, as in PyTorch).

export type ParamGroup<O> = O & { params: Tensor[]; [key: string]: unknown };
export type ParamGroupInput<O> = Partial<O> & { params: Iterable<Tensor> | Tensor; [key: string]: unknown };
export type ParamsInput<O> = Iterable<Tensor> | Iterable<ParamGroupInput<O>>;
export type ParamState = Record<string, Tensor | number>;

export interface OptimizerStateDict {
  state: Record<number, ParamState>;
  paramGroups: Array<Record<string, unknown> & { params: number[] }>;
}

// The default type argument is `any` so that `optim.Optimizer` as a parameter type accepts every
// optimizer (SGD, AdamW, user subclasses): with a concrete default, updateGroup's parameter would
// make Optimizer<SGDOptions> unassignable to it.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export abstract class Optimizer<O extends object = any> {
  readonly defaults: O;
  readonly paramGroups: Array<ParamGroup<O>> = [];
  /** per-parameter state (momentum buffers, Adam moments, step counts) */
  readonly state = new Map<Tensor, ParamState>();

  constructor(params: ParamsInput<O>, defaults: O) {
    this.defaults = defaults;
    if (params instanceof Tensor) {
      throw new Error(`params argument given to the optimizer should be an iterable of Tensors or dicts, but got ${torchTypeName(params.dtype)}`);
    }
    const list = [...(params as Iterable<Tensor | ParamGroupInput<O>>)];
    if (list.length === 0) throw new Error("optimizer got an empty parameter list");
    const groups: Array<ParamGroupInput<O>> = list[0] instanceof Tensor ? [{ params: list as Tensor[] } as unknown as ParamGroupInput<O>] : (list as Array<ParamGroupInput<O>>);
    if (observer !== null) observer.onEvent?.({ kind: "optimizer-created", optimizer: this });
    for (const g of groups) this.addParamGroup(g);
  }

  addParamGroup(group: ParamGroupInput<O>): void {
    if (typeof group !== "object" || group === null || !("params" in group)) throw new Error("param group must be a dict");
    const params = group.params instanceof Tensor ? [group.params] : [...group.params];
    for (const p of params) {
      if (!(p instanceof Tensor)) throw new Error(`optimizer can only optimize Tensors, but one of the params is ${typeof p}`);
      if (!p.isLeaf) throw new Error("can't optimize a non-leaf Tensor");
    }
    // a PyTorch spelling of a known option (`weight_decay` from a HuggingFace script) would otherwise
    // be kept as an unknown extra key while the default applies silently
    for (const key of Object.keys(group)) {
      const camel = camelCase(key);
      if (camel !== key && camel in (this.defaults as object)) throw unexpectedKeyError(`${this.constructor.name} param group`, key, [camel]);
    }
    const full = { ...this.defaults, ...group, params } as ParamGroup<O>;
    for (const [key, value] of Object.entries(full)) {
      if (value === undefined) throw new Error(`parameter group didn't specify a value of required optimization parameter ${key}`);
    }
    const existing = new Set<Tensor>();
    for (const g of this.paramGroups) for (const p of g.params) existing.add(p);
    if (params.some((p) => existing.has(p))) throw new Error("some parameters appear in more than one parameter group");
    this.paramGroups.push(full);
    if (observer !== null) observer.onEvent?.({ kind: "param-group-added", optimizer: this, group: full });
  }

  /** Resets the gradients of every optimized parameter: to null (default) or to zeros in place. */
  zeroGrad(setToNone: boolean | { setToNone?: boolean } = true): void {
    const toNone = typeof setToNone === "boolean" ? setToNone : setToNone.setToNone ?? true;
    if (observer !== null) observer.onEvent?.({ kind: "zero-grad", owner: this, setToNone: toNone });
    for (const g of this.paramGroups) for (const p of g.params) zeroGradOf(p, toNone);
  }

  /** One update of every parameter that has a gradient (parameters whose grad is null are skipped). */
  step(closure?: () => Tensor | number): Tensor | number | undefined {
    const loss = closure ? enableGrad(closure) : undefined;
    if (observer !== null) observer.onEvent?.({ kind: "optimizer-step", optimizer: this, phase: "before" });
    for (const group of this.paramGroups) this.updateGroup(group);
    if (observer !== null) observer.onEvent?.({ kind: "optimizer-step", optimizer: this, phase: "after" });
    return loss;
  }

  protected abstract updateGroup(group: ParamGroup<O>): void;

  protected stateOf(p: Tensor): ParamState {
    let s = this.state.get(p);
    if (s === undefined) {
      s = {};
      this.state.set(p, s);
    }
    return s;
  }

  stateDict(): OptimizerStateDict {
    const index = new Map<Tensor, number>();
    const paramGroups = this.paramGroups.map((g) => {
      const { params, ...rest } = g;
      return {
        ...rest,
        params: params.map((p) => {
          if (!index.has(p)) index.set(p, index.size);
          return index.get(p)!;
        }),
      };
    });
    const state: Record<number, ParamState> = {};
    for (const [p, s] of this.state) if (index.has(p)) state[index.get(p)!] = s;
    return { state, paramGroups };
  }

  loadStateDict(stateDict: OptimizerStateDict): void {
    const saved = stateDict.paramGroups;
    if (saved.length !== this.paramGroups.length) throw new Error("loaded state dict has a different number of parameter groups");
    saved.forEach((g, i) => {
      if (g.params.length !== this.paramGroups[i].params.length) {
        throw new Error("loaded state dict contains a parameter group that doesn't match the size of optimizer's group");
      }
    });
    this.state.clear();
    saved.forEach((g, i) => {
      const group = this.paramGroups[i];
      g.params.forEach((id, j) => {
        const s = stateDict.state[id];
        if (s === undefined) return;
        const p = group.params[j];
        const copy: ParamState = {};
        for (const [k, v] of Object.entries(s)) copy[k] = v instanceof Tensor ? copyOf(v, v.isFloatingPoint() ? p.dtype : v.dtype) : v;
        this.state.set(p, copy);
      });
      const { params: _ignored, ...hyper } = g;
      Object.assign(group, hyper);
    });
  }
}

/**
 * The parameters that have a gradient, each with its gradient's values, for an update. Read with
 * _peekGrad, not `.grad`: that would hand the gradient out (see Tensor._takePrivateGrad). Lazy, so
 * each gradient is read just before its parameter's update, as a loop over the parameters would.
 */
export function* withGradValues(params: readonly Tensor[]): Generator<[Tensor, FloatArray]> {
  for (const p of params) {
    const grad = p._peekGrad();
    if (grad !== null) yield [p, valuesOf(grad) as FloatArray];
  }
}

export function checkNonNegative(value: number, what: string): void {
  if (!(value >= 0)) throw new Error(`Invalid ${what}: ${value}`);
}
