import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { GENERATED_PATH, traceCheckSource } from "../../src/trace/traceCheckSource";
import { checkTrace } from "../../src/trace/traceCheck.generated";
import { emptyTrace } from "../../src/trace/emptyTrace";

// The check written out at build time is TraceSchema's own: regenerate with `node scripts/gen-trace-check.mjs`.

describe("traceCheck.generated.ts", () => {
  it("is what TraceSchema compiles to now", () => {
    expect(readFileSync(GENERATED_PATH, "utf8")).toBe(traceCheckSource());
  });
  it("accepts a trace and rejects a wrong one", () => {
    const trace = emptyTrace("m.ts", { reason: "end-of-file", message: "done" }, null, [], 3);
    expect(checkTrace(trace)).toBe(true);
    expect(checkTrace({ ...trace, version: 1 })).toBe(false);
    expect(checkTrace({ ...trace, leaves: [{ id: 0 }] })).toBe(false);
    expect(checkTrace(null)).toBe(false);
  });
});
