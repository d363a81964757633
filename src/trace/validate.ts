import { TypeCompiler, type TypeCheck } from "@sinclair/typebox/compiler";
import type { TSchema } from "@sinclair/typebox";
import { RunErrorSchema, SiteSchema, StopInfoSchema, TraceSchema, type Trace } from "./schema";
import type { Shape } from "./jsonShape";
import { checkTrace } from "./traceCheck.generated";

// Validation against the TypeBox schemas of schema.ts — the one definition of the Trace. Used where a
// trace crosses into the host (the runner, from its child process). A Trace is checked by the check
// written out at build time (traceCheck.generated.ts); TypeBox's checkers, which also list the errors,
// are compiled on first use: schema.ts re-exports this file, so nothing here may read a schema while
// modules load.

const MAX_ERRORS = 20;
const compiled = new Map<TSchema, TypeCheck<TSchema>>();

function checker(schema: TSchema): TypeCheck<TSchema> {
  let c = compiled.get(schema);
  if (c === undefined) {
    c = TypeCompiler.Compile(schema);
    compiled.set(schema, c);
  }
  return c;
}

/** "/ops/3/inputs/0" → "$.ops[3].inputs[0]" */
function jsonPath(pointer: string, root: string): string {
  if (pointer === "") return root;
  return root + pointer.split("/").slice(1).map((raw) => {
    const key = raw.replace(/~1/g, "/").replace(/~0/g, "~");
    return /^\d+$/.test(key) ? `[${key}]` : `.${key}`;
  }).join("");
}

const typeOf = (v: unknown): string =>
  v === null ? "null" : Array.isArray(v) ? "array" : typeof v === "number" || typeof v === "boolean" ? String(v) : typeof v;

/** In a union of objects told apart by `kind` ({ kind: "module", module }), the variant `value` claims. */
function claimedVariant(schema: TSchema, value: unknown): TSchema | undefined {
  const kind = (value as { kind?: unknown } | null)?.kind;
  const variants = (schema as { anyOf?: TSchema[] }).anyOf;
  return variants?.find((v) => (v as { properties?: { kind?: { const?: unknown } } }).properties?.kind?.const === kind);
}

/** Every mismatch of `value` against `schema` (at most 20), as "<path>: <what was expected>, got <type>". */
export function schemaErrors(schema: TSchema, value: unknown, root = "$"): string[] {
  const c = checker(schema);
  if (c.Check(value)) return [];
  const out: string[] = [];
  for (const e of c.Errors(value)) {
    const variant = e.value !== undefined ? claimedVariant(e.schema, e.value) : undefined;
    if (variant !== undefined) {
      out.push(...schemaErrors(variant, e.value, jsonPath(e.path, root)).filter((l) => !out.includes(l)));
      if (out.length >= MAX_ERRORS) break;
      continue;
    }
    const line = e.value === undefined ? `${jsonPath(e.path, root)}: missing` : `${jsonPath(e.path, root)}: ${e.message.toLowerCase()}, got ${typeOf(e.value)}`;
    if (!out.includes(line)) out.push(line);
    if (out.length >= MAX_ERRORS) break;
  }
  return out;
}

/** Checks that `value` is a Trace of this version; returns the mismatches (empty when valid). */
export function validateTrace(value: unknown): string[] {
  return checkTrace(value) ? [] : schemaErrors(TraceSchema, value);
}

export function isTrace(value: unknown): value is Trace {
  return checkTrace(value);
}

/** A schema as a jsonShape Shape, for shapes composed from both (test/cli/reportShape.ts); read lazily (see above). */
export function shapeOf(schema: () => TSchema): Shape {
  return (value, path, errors) => void errors.push(...schemaErrors(schema(), value, path));
}

export const siteShape: Shape = shapeOf(() => SiteSchema);
export const stopInfoShape: Shape = shapeOf(() => StopInfoSchema);
export const runErrorShape: Shape = shapeOf(() => RunErrorSchema);
