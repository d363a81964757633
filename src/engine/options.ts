import { Tensor } from "./tensor";

// Run-time checks of keyword-argument objects. The runner does not type-check user files, so what
// TypeScript would have caught must raise here, in PyTorch's words: an unknown key is
// "f() got an unexpected keyword argument 'k'", a snake_case key also names its camelCase spelling,
// a wrong type is "f(): argument 'p' must be float, not str".

export type OptionKind = "float" | "int" | "bool" | "str" | "Tensor" | "tuple" | "any" | "function";

/** Python's name for the type of a JS value, as PyTorch's messages print it. */
export function pythonTypeName(v: unknown): string {
  if (v === null || v === undefined) return "NoneType";
  if (typeof v === "number") return Number.isInteger(v) ? "int" : "float";
  if (typeof v === "boolean") return "bool";
  if (typeof v === "string") return "str";
  if (typeof v === "function") return "function";
  if (Array.isArray(v)) return "list";
  if (v instanceof Tensor) return "Tensor";
  return "object";
}

function matches(kind: OptionKind, v: unknown): boolean {
  switch (kind) {
    case "float": return typeof v === "number";
    case "int": return typeof v === "number" && Number.isInteger(v);
    case "bool": return typeof v === "boolean";
    case "str": return typeof v === "string";
    case "Tensor": return v instanceof Tensor;
    case "tuple": return Array.isArray(v) || typeof v === "number";
    case "function": return typeof v === "function";
    case "any": return true;
  }
}

export function camelCase(key: string): string {
  return key.replace(/_([a-z0-9])/g, (_, c: string) => c.toUpperCase());
}

/** The TypeError for a key `fn` does not take (with the camelCase hint for a snake_case key). */
export function unexpectedKeyError(fn: string, key: string, known: Iterable<string>): TypeError {
  const camel = camelCase(key);
  const hint = camel !== key && [...known].includes(camel) ? ` (${key}: did you mean ${camel}?)` : "";
  return new TypeError(`${fn}() got an unexpected keyword argument '${key}'${hint}`);
}

export function argumentTypeError(fn: string, key: string, kind: OptionKind, v: unknown): TypeError {
  return new TypeError(`${fn}(): argument '${key}' must be ${kind}, not ${pythonTypeName(v)}`);
}

/** Checks an options object against `spec` (key → kind; a kind ending in "?" also accepts null). */
export function checkOptions<T extends object>(fn: string, options: T | undefined | null, spec: Record<string, string>): T {
  if (options === undefined || options === null) return {} as T;
  if (typeof options !== "object" || Array.isArray(options) || options instanceof Tensor) {
    throw new TypeError(`${fn}(): the options argument must be an object, not ${pythonTypeName(options)}`);
  }
  for (const [key, value] of Object.entries(options)) {
    const kind = spec[key];
    if (kind === undefined) throw unexpectedKeyError(fn, key, Object.keys(spec));
    if (value === undefined) continue;
    const nullable = kind.endsWith("?");
    const base = (nullable ? kind.slice(0, -1) : kind) as OptionKind;
    if (value === null && nullable) continue;
    if (!matches(base, value)) throw argumentTypeError(fn, key, base, value);
  }
  return options;
}

/** Checks one positional argument's type. */
export function checkArg(fn: string, name: string, kind: OptionKind, v: unknown): void {
  if (!matches(kind, v)) throw argumentTypeError(fn, name, kind, v);
}

/** For functions with both a positional and an options form: `f(x, 0.5)` or `f(x, { p: 0.5 })`. */
export function isOptionsObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v) && !(v instanceof Tensor);
}

/** Checks only that every key is known (for option objects whose types are checked elsewhere). */
export function checkKeys(fn: string, options: object | undefined | null, known: readonly string[]): void {
  if (options === undefined || options === null) return;
  for (const key of Object.keys(options)) if (!known.includes(key)) throw unexpectedKeyError(fn, key, known);
}
