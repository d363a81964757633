import { Module } from "./module";
import type { Tensor } from "../tensor";

// Containers. Sequential and ModuleList keep their modules in own fields "0", "1", … (JS orders
// integer keys ascending, which is their insertion order); ModuleDict keeps a Map so any key order holds.

function normalizeIndex(i: number, length: number): number {
  if (!Number.isInteger(i) || i < -length || i >= length) throw new Error(`index ${i} is out of range`);
  return i < 0 ? i + length : i;
}

abstract class IndexedContainer extends Module {
  [index: number]: Module;

  get length(): number {
    return this._localChildren().length;
  }

  /** The i-th module (negative counts from the end), as `seq[i]` in PyTorch. */
  at(index: number): Module {
    const children = this._localChildren();
    return children[normalizeIndex(index, children.length)][1];
  }

  append(module: Module): this {
    this.registerModule(String(this.length), module);
    return this;
  }

  *[Symbol.iterator](): Iterator<Module> {
    for (const [, m] of this._localChildren()) yield m;
  }
}

/** Modules applied in order; `new nn.Sequential(a, b, c)` or `new nn.Sequential({ name: module, ... })`. */
export class Sequential extends IndexedContainer {
  constructor(...modules: Array<Module | Record<string, Module>>) {
    super();
    if (modules.length === 1 && !(modules[0] instanceof Module)) {
      for (const [name, m] of Object.entries(modules[0])) this.registerModule(name, m);
    } else {
      modules.forEach((m, i) => this.registerModule(String(i), m as Module));
    }
  }

  /** Typed for the usual tensor-in, tensor-out chain; modules in between may pass anything along. */
  forward(input: Tensor): Tensor {
    let x: unknown = input;
    for (const [, m] of this._localChildren()) x = m.call(x);
    return x as Tensor;
  }
}

/** A list of modules that registers them (a plain array would not). */
export class ModuleList extends IndexedContainer {
  constructor(modules: Iterable<Module> = []) {
    super();
    for (const m of modules) this.append(m);
  }

  extend(modules: Iterable<Module>): this {
    for (const m of modules) this.append(m);
    return this;
  }

  insert(index: number, module: Module): void {
    const items = [...this];
    const at = index < 0 ? Math.max(0, items.length + index) : Math.min(index, items.length);
    items.splice(at, 0, module);
    items.forEach((m, i) => (this[i] = m));
  }
}

/** A string-keyed map of modules, in insertion order. */
export class ModuleDict extends Module {
  declare private readonly _items: Map<string, Module>;

  constructor(modules: Record<string, Module> | Iterable<[string, Module]> = {}) {
    super();
    Object.defineProperty(this, "_items", { value: new Map<string, Module>(), enumerable: false });
    const entries = Symbol.iterator in modules ? (modules as Iterable<[string, Module]>) : Object.entries(modules);
    for (const [k, m] of entries) this.set(k, m);
  }

  protected override _ownEntries(): Array<[string, unknown]> {
    return [...super._ownEntries(), ...this._items.entries()];
  }

  get(key: string): Module | undefined {
    return this._items.get(key);
  }

  set(key: string, module: Module): this {
    if (key.includes(".")) throw new Error(`module name can't contain ".", got: ${key}`);
    this._items.set(key, module);
    return this;
  }

  has(key: string): boolean {
    return this._items.has(key);
  }

  delete(key: string): boolean {
    return this._items.delete(key);
  }

  get length(): number {
    return this._items.size;
  }

  keys(): IterableIterator<string> {
    return this._items.keys();
  }

  values(): IterableIterator<Module> {
    return this._items.values();
  }

  entries(): IterableIterator<[string, Module]> {
    return this._items.entries();
  }

  [Symbol.iterator](): IterableIterator<string> {
    return this._items.keys();
  }
}
