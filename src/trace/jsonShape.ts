// A tiny structural checker for plain JSON (no dependency): describe a shape with the combinators
// below, then `check(shape, value)` lists every mismatch with its path ("ops[3].inputs[0].tensor").

export type Shape = (value: unknown, path: string, errors: string[]) => void;

const typeOf = (v: unknown): string => (v === null ? "null" : Array.isArray(v) ? "array" : typeof v);

function expect(kind: string, ok: (v: unknown) => boolean): Shape {
  return (v, path, errors) => {
    if (!ok(v)) errors.push(`${path}: expected ${kind}, got ${typeOf(v)}`);
  };
}

export const str: Shape = expect("string", (v) => typeof v === "string");
export const num: Shape = expect("number", (v) => typeof v === "number" && !Number.isNaN(v));
export const int: Shape = expect("integer", (v) => Number.isInteger(v));
export const bool: Shape = expect("boolean", (v) => typeof v === "boolean");
export const any: Shape = () => {};

export function literal(...values: Array<string | number | boolean | null>): Shape {
  return (v, path, errors) => {
    if (!values.includes(v as never)) errors.push(`${path}: expected one of ${values.map((x) => JSON.stringify(x)).join(", ")}, got ${JSON.stringify(v)}`);
  };
}

export function nullable(inner: Shape): Shape {
  return (v, path, errors) => {
    if (v !== null) inner(v, path, errors);
  };
}

export function arrayOf(item: Shape): Shape {
  return (v, path, errors) => {
    if (!Array.isArray(v)) return void errors.push(`${path}: expected array, got ${typeOf(v)}`);
    for (let i = 0; i < v.length && errors.length < 50; i++) item(v[i], `${path}[${i}]`, errors);
  };
}

export function recordOf(value: Shape): Shape {
  return (v, path, errors) => {
    if (typeOf(v) !== "object") return void errors.push(`${path}: expected object, got ${typeOf(v)}`);
    for (const [k, x] of Object.entries(v as object)) value(x, `${path}.${k}`, errors);
  };
}

/** An object with these fields; a key ending in "?" is optional (absent or matching). Extra keys are allowed. */
export function object(fields: Record<string, Shape>): Shape {
  const entries = Object.entries(fields).map(([k, s]) => ({ key: k.replace(/\?$/, ""), optional: k.endsWith("?"), shape: s }));
  return (v, path, errors) => {
    if (typeOf(v) !== "object") return void errors.push(`${path}: expected object, got ${typeOf(v)}`);
    const o = v as Record<string, unknown>;
    for (const { key, optional, shape } of entries) {
      if (!(key in o) || o[key] === undefined) {
        if (!optional) errors.push(`${path}.${key}: missing`);
        continue;
      }
      shape(o[key], `${path}.${key}`, errors);
    }
  };
}

/** Passes when one alternative matches; otherwise reports the errors of the closest one (fewest errors). */
export function oneOf(...alternatives: Shape[]): Shape {
  return (v, path, errors) => {
    let best: string[] | null = null;
    for (const alt of alternatives) {
      const found: string[] = [];
      alt(v, path, found);
      if (found.length === 0) return;
      if (best === null || found.length < best.length) best = found;
    }
    errors.push(...(best ?? []));
  };
}

export function check(shape: Shape, value: unknown, root = "$"): string[] {
  const errors: string[] = [];
  shape(value, root, errors);
  return errors;
}
