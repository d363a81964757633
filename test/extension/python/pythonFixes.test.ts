import { beforeAll, describe, expect, it } from "vitest";
import { readFileSync } from "node:fs";
import { loadPythonGrammar, scanPythonSource } from "../../../src/static/python";
import { buildPythonQuickFixes, type PythonFixContext } from "../../../src/extension/core/quickFixes/pythonFixes";
import { grammarBytes } from "../../static/python/grammarBytes";

beforeAll(async () => {
  await loadPythonGrammar(grammarBytes);
});

/** Applies single-line edits, last first, and returns the changed lines. */
function apply(lines: readonly string[], edits: ReturnType<typeof buildPythonQuickFixes>[number]["edits"]): string[] {
  const out = [...lines];
  for (const e of [...edits].reverse()) {
    const l = out[e.range.line - 1];
    out[e.range.line - 1] = l.slice(0, e.range.column - 1) + e.newText + l.slice(e.range.endColumn - 1);
  }
  return out;
}

function context(file: string, finding: Partial<PythonFixContext["finding"]>): PythonFixContext {
  const text = readFileSync(file, "utf8");
  return {
    finding: { file, line: 1, column: 1, code: "", message: "", parameters: [], related: [], ...finding },
    lines: text.split("\n"),
    scan: scanPythonSource(text, file),
    report: null,
  };
}

describe("quick fixes in Python form", () => {
  // the GL006 finding of examples/python/gan-no-detach.py: optG.step() applies what lossD.backward() left in G
  const gl006 = { code: "GL006", line: 29, related: [{ file: "", line: 22, column: 5, message: "" }], parameters: ["G.0.weight", "G.2.bias"] };

  it("GL006: detach G's output in D's loss (preferred), or clear optG before lossG.backward()", () => {
    const ctx = context("examples/python/gan-no-detach.py", gl006);
    const [detach, zero] = buildPythonQuickFixes(ctx);
    expect(detach).toMatchObject({ title: "Add .detach() to `fake` so this loss stops before G", preferred: true });
    expect(apply(ctx.lines, detach.edits)[20]).toBe("    lossD = criterion(D(real), valid).add(criterion(D(fake.detach()), fake_label))");
    expect(zero.title).toBe("Add `optG.zero_grad()` before `lossG.backward()`");
    expect(apply(ctx.lines, zero.edits).join("\n").split("\n").slice(26, 29)).toEqual(["    lossG = criterion(D(fake2), valid)", "    optG.zero_grad()", "    lossG.backward()"]);
  });

  it("offers nothing for the GAN done right: fake is detached and optG cleared", () => {
    expect(buildPythonQuickFixes(context("examples/python/gan.py", { ...gl006, line: 28, related: [{ file: "", line: 21, column: 5, message: "" }] }))).toEqual([]);
  });

  it("GL003: builds the optimizer from the trainable parameters only", () => {
    const ctx = context("examples/python/frozen-middle.py", { code: "GL003", line: 13 });
    const [fix] = buildPythonQuickFixes(ctx);
    expect(apply(ctx.lines, fix.edits)[12]).toBe("opt = optim.SGD(filter(lambda p: p.requires_grad, params), lr=0.01)");
  });
});
