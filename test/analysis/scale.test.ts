import { describe, expect, it } from "vitest";
import { performance } from "node:perf_hooks";
import { analyze } from "../../src/analysis/index";
import { MAX_FREEZING_ANSWERS } from "../../src/analysis/memory";
import { validateTrace } from "../../src/trace/schema";
import { sequentialOfLinears } from "./largeTrace";

// Analysis runs on the host's thread after every check: it must stay near-linear in the number of
// parameters and modules. The speed target (5,000 tensors < 1 s) is measured by the bench
// (test/bench/check.bench.ts, benchLargeAnalysis); here only a generous guard against a return to
// quadratic time (6–18 s before), and the results at that size.

describe("analysis of 5,000 parameter tensors in 2,500 modules", () => {
  const trace = sequentialOfLinears(2500);

  it("is a valid trace", () => {
    expect(validateTrace(trace)).toEqual([]);
  });

  it("reports every parameter as updated, without findings, well within a quadratic's time", () => {
    const started = performance.now();
    const report = analyze(trace);
    expect(performance.now() - started).toBeLessThan(10_000);
    expect(report.parameters).toHaveLength(5000);
    expect(report.parameters.every((p) => p.status === "updated")).toBe(true);
    expect(report.findings.filter((f) => f.severity !== "info")).toEqual([]);
    // what freezing a module would save: answered for the largest modules only
    expect(report.memory.freezingSaves).toHaveLength(MAX_FREEZING_ANSWERS);
    expect(report.memory.totalSavedBytes).toBe(2500 * 24);
  }, 30_000);
});
