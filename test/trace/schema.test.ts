import { describe, expect, it } from "vitest";
import { validateTrace } from "../../src/trace/schema";
import { emptyTrace } from "../../src/trace/emptyTrace";

describe("validateTrace", () => {
  const valid = () => emptyTrace("m.ts", { reason: "end-of-file", message: "done" }, null, ["hi"], 3);

  it("accepts a well-formed trace", () => {
    expect(validateTrace(valid())).toEqual([]);
  });
  it("names the path of each mismatch", () => {
    const t = valid() as unknown as Record<string, unknown>;
    t.version = 2;
    t.ops = [{ id: 0 }];
    delete t.console;
    const errors = validateTrace(t);
    expect(errors).toContain('$.version: expected one of 1, got 2');
    expect(errors).toContain("$.ops[0].seq: missing");
    expect(errors).toContain("$.console: missing");
  });
  it("checks nested unions and nullable sites", () => {
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
  it("rejects a non-object", () => {
    expect(validateTrace(null)).toEqual(["$: expected object, got null"]);
  });
});
