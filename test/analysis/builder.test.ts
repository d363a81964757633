import { describe, expect, it } from "vitest";
import { validateTrace } from "../../src/trace/schema";
import { abcTrace, chain, gan } from "./scenarios";

// The hand-built traces the rule tests use must be valid Traces, as the tracer writes them.
describe("hand-built traces", () => {
  it("validate against the Trace schema", () => {
    for (const t of [chain("plain"), chain("detach"), chain("frozen"), chain("noGrad"), gan(false), gan(true), abcTrace("B_frozen"), abcTrace("no_grad")]) {
      expect(validateTrace(t)).toEqual([]);
    }
  });
});
