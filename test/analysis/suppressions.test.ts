import { describe, expect, it } from "vitest";
import { analyze } from "../../src/analysis";
import { parseSuppressions } from "../../src/analysis/suppressions";
import { TraceBuilder } from "./traceBuilder";
import { applyLinear, linear } from "./scenarios";

describe("// gradlens-ignore GLxxx", () => {
  it("alone on its line it silences the next line; after code, its own line; codes are required", () => {
    const text = [
      "// gradlens-ignore GL007",
      "const h = x.detach();",
      "opt.step(); // gradlens-ignore GL005, GL006",
      "// gradlens-ignore",
      "// a note that mentions // gradlens-ignore GL001 in prose",
      "  // gradlens-ignore GL009 weight decay on purpose",
    ].join("\n");
    expect(parseSuppressions("m.ts", text)).toEqual([
      { line: 2, codes: ["GL007"], by: { file: "m.ts", line: 1, column: 1 } },
      { line: 3, codes: ["GL005", "GL006"], by: { file: "m.ts", line: 3, column: 13 } },
      { line: 7, codes: ["GL009"], by: { file: "m.ts", line: 6, column: 3 } },
    ]);
  });

  /** A loop without zeroGrad(): GL005 at the step on line 6. */
  function missingZeroGrad() {
    const b = new TraceBuilder();
    const l = linear(b, "net", 2, 1, 1);
    const opt = b.optimizer("opt", "SGD", [{ params: [l.weight, l.bias], lr: 0.1 }], 2);
    for (let it = 0; it < 2; it++) {
      b.backward(b.op("sum", [applyLinear(b, l, b.leaf("batch", [4, 2], 4), 4)], 4, { shape: [] }), 5);
      b.step(opt, 6);
    }
    return b.build();
  }

  it("a silenced finding moves from findings to suppressed, with the comment's site", () => {
    const trace = missingZeroGrad();
    expect(analyze(trace).findings.map((f) => [f.code, f.line])).toEqual([["GL005", 6]]);
    const r = analyze(trace, { suppressions: parseSuppressions("model.ts", "\n\n\n\n// gradlens-ignore GL005\n") });
    expect(r.findings).toEqual([]);
    expect(r.suppressed!.map((f) => [f.code, f.line, f.by.line])).toEqual([["GL005", 6, 5]]);
  });

  it("another code, another line or another file silences nothing", () => {
    const trace = missingZeroGrad();
    for (const [file, text] of [["model.ts", "\n\n\n\n// gradlens-ignore GL006\n"], ["model.ts", "// gradlens-ignore GL005\n"], ["other.ts", "\n\n\n\n// gradlens-ignore GL005\n"]]) {
      const r = analyze(trace, { suppressions: parseSuppressions(file, text) });
      expect(r.findings.map((f) => f.code)).toEqual(["GL005"]);
      expect(r.suppressed).toEqual([]);
    }
  });
});
