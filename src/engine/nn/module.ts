import { Tensor } from "../tensor";
import type { DType } from "../dtype";
import { observer } from "../observer";
import { formatShape, shapesEqual } from "../shape";
import { Parameter, setData } from "./parameter";
import { aliasOf, copyOf, updateInPlace, writeValues, valuesOf } from "../functional/raw";
import { recycleStorage } from "../bufferPool";

// nn.Module. Submodules and parameters are whatever Module / Parameter values sit in the instance's
// own fields, found when asked for (class fields are assigned after this base constructor runs, so
// nothing can be registered eagerly); JS keeps own fields in insertion order, which is PyTorch's
// registration order. The constructor wraps `forward` so every call, `model.forward(x)` or
// `model.call(x)`, tells an observer which module the ops inside ran in.

const WRAPPED = Symbol("gradlens.wrappedForward");

type AnyFunction = (...args: any[]) => any;
/** The subclass's forward, for typing `call` (a Module without one takes and returns anything). */
export type ForwardOf<M> = M extends { forward: infer F extends AnyFunction } ? F : AnyFunction;

function observedCall(module: Module, impl: AnyFunction, args: unknown[]): unknown {
  observer!.onEvent?.({ kind: "module-enter", module });
  try {
    return impl.apply(module, args);
  } finally {
    if (observer !== null) observer.onEvent?.({ kind: "module-exit", module });
  }
}

export interface LoadStateDictResult {
  missingKeys: string[];
  unexpectedKeys: string[];
}

export type StateDict = Record<string, Tensor>;

export class Module {
  /** train/eval mode (Dropout and BatchNorm read it) */
  training = true;
  /** registered buffer names → persistent (kept out of the enumerable fields) */
  declare private readonly _bufferNames: Map<string, boolean>;

  constructor() {
    Object.defineProperty(this, "_bufferNames", { value: new Map<string, boolean>(), enumerable: false });
    const impl = (this as unknown as { forward?: AnyFunction }).forward;
    const self = this;
    const wrapped = function forward(...args: unknown[]): unknown {
      if (impl === undefined) throw new Error(`Module [${self.constructor.name}] is missing the required "forward" function`);
      if (observer === null) return impl.apply(self, args);
      return observedCall(self, impl, args);
    };
    (wrapped as unknown as Record<symbol, boolean>)[WRAPPED] = true;
    Object.defineProperty(this, "forward", { value: wrapped, writable: true, configurable: true, enumerable: false });
    if (observer !== null) observer.onEvent?.({ kind: "module-created", module: this });
  }

  /** Calls forward (PyTorch's `model(x)`), typed as the subclass's forward. */
  call<M extends Module>(this: M, ...args: Parameters<ForwardOf<M>>): ReturnType<ForwardOf<M>> {
    const f = (this as unknown as { forward: AnyFunction }).forward;
    // a forward assigned as an arrow-function field replaces the wrapper: report it here instead
    if (observer === null || (f as unknown as Record<symbol, boolean>)[WRAPPED]) return f.apply(this, args);
    return observedCall(this, f, args) as ReturnType<ForwardOf<M>>;
  }

  // ---- registration ------------------------------------------------------------------------

  /** This module's own [name, value] fields, in insertion order. Containers override it. */
  protected _ownEntries(): Array<[string, unknown]> {
    return Object.entries(this);
  }

  /** Own parameters (not recursing), naming each tensor after its field when it has no name yet. */
  _localParameters(): Array<[string, Parameter]> {
    const out: Array<[string, Parameter]> = [];
    for (const [key, value] of this._ownEntries()) {
      if (value instanceof Parameter && !this._bufferNames.has(key)) {
        if (value.name === null) value.name = key;
        out.push([key, value]);
      }
    }
    return out;
  }

  _localBuffers(persistentOnly = false): Array<[string, Tensor]> {
    const out: Array<[string, Tensor]> = [];
    for (const [key, persistent] of this._bufferNames) {
      const value = (this as unknown as Record<string, unknown>)[key];
      if (value instanceof Tensor && (persistent || !persistentOnly)) {
        if (value.name === null) value.name = key;
        out.push([key, value]);
      }
    }
    return out;
  }

  _localChildren(): Array<[string, Module]> {
    const out: Array<[string, Module]> = [];
    for (const [key, value] of this._ownEntries()) if (value instanceof Module) out.push([key, value]);
    return out;
  }

  registerBuffer(name: string, tensor: Tensor | null, persistent = true): void {
    if (name.includes(".")) throw new Error('buffer name can\'t contain "."');
    if (name === "") throw new Error('buffer name can\'t be empty string ""');
    if (Object.prototype.hasOwnProperty.call(this, name) && !this._bufferNames.has(name)) {
      throw new Error(`attribute '${name}' already exists`);
    }
    this._bufferNames.set(name, persistent);
    (this as unknown as Record<string, unknown>)[name] = tensor;
    if (tensor !== null && tensor.name === null) tensor.name = name;
  }

  registerParameter(name: string, param: Parameter | null): void {
    if (name.includes(".")) throw new Error('parameter name can\'t contain "."');
    (this as unknown as Record<string, unknown>)[name] = param;
  }

  registerModule(name: string, module: Module | null): void {
    if (name.includes(".")) throw new Error(`module name can't contain ".", got: ${name}`);
    (this as unknown as Record<string, unknown>)[name] = module;
  }

  addModule(name: string, module: Module | null): void {
    this.registerModule(name, module);
  }

  // ---- traversal ---------------------------------------------------------------------------

  *namedModules(prefix = "", memo: Set<Module> = new Set()): Generator<[string, Module]> {
    if (memo.has(this)) return;
    memo.add(this);
    yield [prefix, this];
    for (const [name, child] of this._localChildren()) {
      yield* child.namedModules(prefix === "" ? name : `${prefix}.${name}`, memo);
    }
  }

  *modules(): Generator<Module> {
    for (const [, m] of this.namedModules()) yield m;
  }

  *namedChildren(): Generator<[string, Module]> {
    const seen = new Set<Module>();
    for (const [name, child] of this._localChildren()) {
      if (seen.has(child)) continue;
      seen.add(child);
      yield [name, child];
    }
  }

  *children(): Generator<Module> {
    for (const [, m] of this.namedChildren()) yield m;
  }

  /** [qualified name, parameter] pairs, PyTorch's order: a module's own, then each child's (deduplicated). */
  *namedParameters(prefix = "", recurse = true): Generator<[string, Parameter]> {
    const seen = new Set<Tensor>();
    const mods: Array<[string, Module]> = recurse ? [...this.namedModules(prefix)] : [[prefix, this]];
    for (const [modPrefix, m] of mods) {
      for (const [name, p] of m._localParameters()) {
        if (seen.has(p)) continue;
        seen.add(p);
        yield [modPrefix === "" ? name : `${modPrefix}.${name}`, p];
      }
    }
  }

  *parameters(recurse = true): Generator<Parameter> {
    for (const [, p] of this.namedParameters("", recurse)) yield p;
  }

  *namedBuffers(prefix = "", recurse = true): Generator<[string, Tensor]> {
    const seen = new Set<Tensor>();
    const mods: Array<[string, Module]> = recurse ? [...this.namedModules(prefix)] : [[prefix, this]];
    for (const [modPrefix, m] of mods) {
      for (const [name, b] of m._localBuffers()) {
        if (seen.has(b)) continue;
        seen.add(b);
        yield [modPrefix === "" ? name : `${modPrefix}.${name}`, b];
      }
    }
  }

  *buffers(recurse = true): Generator<Tensor> {
    for (const [, b] of this.namedBuffers("", recurse)) yield b;
  }

  /** The submodule at a dotted path ("features.0"); "" is this module. */
  getSubmodule(target: string): Module {
    if (target === "") return this;
    let mod: Module = this;
    for (const part of target.split(".")) {
      const next = mod._localChildren().find(([name]) => name === part);
      if (!next) throw new Error(`${mod.constructor.name} has no attribute \`${part}\``);
      mod = next[1];
    }
    return mod;
  }

  getParameter(target: string): Parameter {
    const at = target.lastIndexOf(".");
    const mod = this.getSubmodule(at < 0 ? "" : target.slice(0, at));
    const name = target.slice(at + 1);
    const found = mod._localParameters().find(([n]) => n === name);
    if (!found) throw new Error(`${mod.constructor.name} has no parameter \`${name}\``);
    return found[1];
  }

  // ---- modes and gradients -----------------------------------------------------------------

  train(mode = true): this {
    if (typeof mode !== "boolean") throw new Error("training mode is expected to be boolean");
    this.training = mode;
    if (observer !== null) observer.onEvent?.({ kind: "module-train", module: this, mode });
    for (const child of this.children()) child.train(mode);
    return this;
  }

  eval(): this {
    return this.train(false);
  }

  /** Sets requiresGrad on every parameter (freezing with false). */
  requiresGrad_(requiresGrad = true): this {
    if (observer !== null) observer.onEvent?.({ kind: "module-requires-grad", module: this, flag: requiresGrad });
    for (const p of this.parameters()) p.requiresGrad_(requiresGrad);
    return this;
  }

  /** Resets parameter gradients: to null (the default, as PyTorch 2.x), or zeros in place. */
  zeroGrad(setToNone: boolean | { setToNone?: boolean } = true): void {
    const toNone = typeof setToNone === "boolean" ? setToNone : setToNone.setToNone ?? true;
    if (observer !== null) observer.onEvent?.({ kind: "zero-grad", owner: this, setToNone: toNone });
    for (const p of this.parameters()) zeroGradOf(p, toNone);
  }

  /** Calls fn on every submodule (children first) and then on this module. */
  apply(fn: (m: Module) => void): this {
    for (const child of this.children()) child.apply(fn);
    fn(this);
    return this;
  }

  // ---- dtype -------------------------------------------------------------------------------

  /** Casts floating-point parameters and buffers (and their grads) in place, keeping their identity. */
  to(dtype: DType): this {
    for (const t of [...this.parameters(), ...this.buffers()]) {
      if (!t.isFloatingPoint() || t.dtype === dtype) continue;
      setData(t, copyOf(t, dtype));
      if (t.grad !== null) setData(t.grad, copyOf(t.grad, dtype));
    }
    return this;
  }

  double(): this {
    return this.to("float64");
  }

  float(): this {
    return this.to("float32");
  }

  // ---- state dict --------------------------------------------------------------------------

  /** name → tensor for every parameter and persistent buffer (views sharing storage, cut from the graph). */
  stateDict(prefix = ""): StateDict {
    const out: StateDict = {};
    const visit = (m: Module, pre: string) => {
      for (const [name, p] of m._localParameters()) out[pre + name] = aliasOf(p);
      for (const [name, b] of m._localBuffers(true)) out[pre + name] = aliasOf(b);
      for (const [name, child] of m._localChildren()) visit(child, `${pre}${name}.`);
    };
    visit(this, prefix);
    return out;
  }

  /** Copies values from a state dict into the parameters and buffers (PyTorch's errors for missing/unexpected keys). */
  loadStateDict(stateDict: StateDict | Map<string, Tensor>, strict = true): LoadStateDictResult {
    const entries = stateDict instanceof Map ? stateDict : new Map(Object.entries(stateDict));
    const missingKeys: string[] = [];
    const errors: string[] = [];
    const used = new Set<string>();
    const visit = (m: Module, pre: string) => {
      for (const [name, t] of [...m._localParameters(), ...m._localBuffers(true)] as Array<[string, Tensor]>) {
        const key = pre + name;
        const src = entries.get(key);
        if (src === undefined) {
          missingKeys.push(key);
          continue;
        }
        used.add(key);
        if (!shapesEqual(src.shape, t.shape)) {
          errors.push(
            `size mismatch for ${key}: copying a param with shape torch.Size(${formatShape(src.shape)}) from checkpoint, the shape in current model is torch.Size(${formatShape(t.shape)}).`,
          );
          continue;
        }
        const values = valuesOf(src);
        // the observer hears of it as an in-place write outside autograd (`t.copy_(src)` under noGrad
        // in PyTorch) when it changes values: restoring the best weights after a fine-tune writes a
        // frozen backbone with the values it already has
        const changes = observer !== null && !sameValues(valuesOf(t), values);
        writeValues(t, values);
        if (changes) observer?.onInplace?.(t, "loadStateDict");
      }
      for (const [name, child] of m._localChildren()) visit(child, `${pre}${name}.`);
    };
    visit(this, "");
    const unexpectedKeys = [...entries.keys()].filter((k) => !used.has(k));
    if (strict) {
      if (unexpectedKeys.length > 0) errors.unshift(`Unexpected key(s) in state_dict: ${unexpectedKeys.map((k) => `"${k}"`).join(", ")}. `);
      if (missingKeys.length > 0) errors.unshift(`Missing key(s) in state_dict: ${missingKeys.map((k) => `"${k}"`).join(", ")}. `);
    }
    if (errors.length > 0) throw new Error(`Error(s) in loading state_dict for ${this.constructor.name}:\n\t${errors.join("\n\t")}`);
    return { missingKeys, unexpectedKeys };
  }

  // ---- repr --------------------------------------------------------------------------------

  /** The text inside the parentheses of this module's repr (e.g. "inFeatures=2, outFeatures=4, bias=true"). */
  extraRepr(): string {
    return "";
  }

  toString(): string {
    const extra = this.extraRepr();
    const extraLines = extra === "" ? [] : extra.split("\n");
    const childLines = this._localChildren().map(([key, m]) => `(${key}): ${indentTail(m.toString(), 2)}`);
    const lines = [...extraLines, ...childLines];
    let main = `${this.constructor.name}(`;
    if (lines.length > 0) {
      main += extraLines.length === 1 && childLines.length === 0 ? extraLines[0] : `\n  ${lines.join("\n  ")}\n`;
    }
    return `${main})`;
  }

  [Symbol.for("nodejs.util.inspect.custom")](): string {
    return this.toString();
  }
}

function indentTail(text: string, spaces: number): string {
  const lines = text.split("\n");
  if (lines.length === 1) return text;
  const pad = " ".repeat(spaces);
  return [lines[0], ...lines.slice(1).map((l) => pad + l)].join("\n");
}

/** One parameter's part of zeroGrad (shared with optimizers). */
export function zeroGradOf(p: Tensor, setToNone: boolean): void {
  if (setToNone) {
    // zeroGrad already reported itself; a gradient no one else could hold goes back to the pool
    const mine = p._takePrivateGrad();
    if (mine !== null) recycleStorage(mine.storage);
    return;
  }
  const g = p._peekGrad();
  if (g === null) return;
  if (g.gradFn !== null) g.detach_();
  updateInPlace(g, (d, o, n) => d.fill(0, o, o + n));
}

/** Element-wise equal (NaN equals NaN: loading a NaN over a NaN changes nothing). */
function sameValues(a: ArrayLike<number>, b: ArrayLike<number>): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i] && (a[i] === a[i] || b[i] === b[i])) return false;
  return true;
}
