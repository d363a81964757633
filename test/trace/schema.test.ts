import { describe, expect, it } from "vitest";
import Ajv from "ajv";
import { TraceSchema, validateTrace, isTrace } from "../../src/trace/schema";
import { emptyTrace } from "../../src/trace/emptyTrace";

// The Trace schema is defined once (TypeBox, src/trace/schema.ts): the same object is the JSON
// Schema (checked here with Ajv, an independent validator) and, through Static<>, the TS types.

const valid = () => emptyTrace("m.ts", { reason: "end-of-file", message: "done" }, null, ["hi"], 3);

describe("validateTrace", () => {
  it("accepts a well-formed trace", () => {
    expect(validateTrace(valid())).toEqual([]);
    expect(isTrace(valid())).toBe(true);
  });
  it("names the path of each mismatch", () => {
    const t = valid() as unknown as Record<string, unknown>;
    t.version = 1;
    t.ops = [{ id: 0 }];
    delete t.console;
    const errors = validateTrace(t);
    expect(errors).toContain("$.version: expected 2, got 1");
    expect(errors).toContain("$.ops[0].seq: missing");
    expect(errors).toContain("$.console: missing");
    expect(isTrace(t)).toBe(false);
  });
  it("checks nested unions by their kind, and nullable sites", () => {
    const t = valid();
    t.zeroGrads.push({ seq: 0, owner: { kind: "optimizer", optimizer: 0 }, setToNone: true, site: null });
    expect(validateTrace(t)).toEqual([]);
    (t.zeroGrads[0] as { owner: unknown }).owner = { kind: "module" };
    expect(validateTrace(t)).toEqual(["$.zeroGrads[0].owner.module: missing"]);
  });
  it("accepts a hand-written clear (owner kind assignment) listing tensor ids, and rejects one without them", () => {
    const t = valid();
    t.zeroGrads.push({ seq: 0, owner: { kind: "assignment", tensors: [3, 4] }, setToNone: true, site: { file: "m.ts", line: 4, column: 3 } });
    expect(validateTrace(t)).toEqual([]);
    (t.zeroGrads[0] as { owner: unknown }).owner = { kind: "assignment", tensors: ["x"] };
    expect(validateTrace(t)).toEqual(["$.zeroGrads[0].owner.tensors[0]: expected integer, got string"]);
  });
  it("rejects a non-object, NaN and fractional ids", () => {
    expect(validateTrace(null)).toEqual(["$: expected object, got null"]);
    const t = valid();
    t.durationMs = NaN;
    t.leaves.push({
      seq: 0, id: 1.5, name: "x", kind: "leaf", factory: "randn", shape: [2], dtype: "float32", numel: 2,
      requiresGrad: true, requiresGradAtEnd: true, module: null, modulePath: null, site: null,
    });
    expect(validateTrace(t)).toEqual(["$.leaves[0].id: expected integer, got 1.5", "$.durationMs: expected number, got NaN"]);
  });
  it("stops listing after 20 mismatches (a forged trace cannot flood the message)", () => {
    const t = valid() as unknown as Record<string, unknown>;
    t.ops = Array.from({ length: 100 }, () => ({}));
    expect(validateTrace(t)).toHaveLength(20);
  });
});

describe("TraceSchema as JSON Schema", () => {
  const ajv = new Ajv({ strict: false, allErrors: true });
  const ajvCheck = ajv.compile(JSON.parse(JSON.stringify(TraceSchema)));

  it("is a JSON Schema Ajv compiles, and agrees with validateTrace on valid and invalid traces", () => {
    const good = valid();
    good.zeroGrads.push({ seq: 0, owner: { kind: "assignment", tensors: [3] }, setToNone: false, site: null });
    const bad = valid() as unknown as Record<string, unknown>;
    bad.steps = [{ seq: 0, optimizer: "opt" }];
    expect([ajvCheck(good), validateTrace(good)]).toEqual([true, []]);
    expect(ajvCheck(bad)).toBe(false);
    expect(validateTrace(bad)).toContain("$.steps[0].optimizer: expected integer, got string");
  });
  it("allows extra fields, so a reader tolerates a newer producer's optional additions", () => {
    const t = { ...valid(), pythonVersion: "3.11" };
    expect([ajvCheck(t), validateTrace(t)]).toEqual([true, []]);
  });
});
