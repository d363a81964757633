import { describe, expect, it } from "vitest";
import { RULES } from "../../src/analysis/rules";
import { buildQuickFixes, failureAsFinding, ignoreOnLine, parseWithParents, QUICK_FIXES, type TextEditSpec } from "../../src/extension/core/quickFixes";
import type { Finding, Report } from "../../src/protocol/report";
import { scanSource } from "../../src/static";
import { BUGGY_FILE, GL006, GL011, buggyGanReport, fixtureSource } from "../fixtures/extension/ganReports";

/** Applies edits (1-based, exclusive ends) the way an editor does: all against the original text. */
function apply(text: string, edits: readonly TextEditSpec[]): string {
  const starts = [0];
  for (let i = 0; i < text.length; i++) if (text[i] === "\n") starts.push(i + 1);
  const at = (line: number, column: number) => starts[line - 1]! + column - 1;
  const sorted = [...edits].sort((a, b) => at(b.range.line, b.range.column) - at(a.range.line, a.range.column));
  let out = text;
  for (const e of sorted) {
    out = out.slice(0, at(e.range.line, e.range.column)) + e.newText + out.slice(at(e.range.endLine, e.range.endColumn));
  }
  return out;
}

function fixesFor(finding: Omit<Finding, "severity"> & { severity?: Finding["severity"] }, text: string, report: Report | null = null) {
  return buildQuickFixes({ finding, source: parseWithParents(text, finding.file), scan: scanSource(text, finding.file), report });
}

const buggy = fixtureSource("gan-buggy");
const lines = (text: string) => text.split("\n");

describe("buggy GAN quick fixes", () => {
  it("GL006 (error on optG.step()): detach fake in lossD first, then optG.zeroGrad() before lossG.backward()", () => {
    const fixes = fixesFor(GL006, buggy, buggyGanReport());
    expect(fixes.map((f) => [f.title, f.preferred])).toEqual([
      ["Add .detach() to `fake` so this loss stops before G", true],
      ["Add `optG.zeroGrad()` before `lossG.backward()`", false],
    ]);
    const detached = lines(apply(buggy, fixes[0]!.edits));
    expect(detached[31]).toBe("    F.binaryCrossEntropyWithLogits(D.forward(fake.detach()), zeros([8, 1])),");
    // lossG keeps using fake itself: G must train from it.
    expect(detached[36]).toBe("  const lossG = F.binaryCrossEntropyWithLogits(D.forward(fake), ones([8, 1]));");
    const both = lines(apply(buggy, [...fixes[0]!.edits, ...fixes[1]!.edits]));
    expect(both.slice(36, 40)).toEqual([
      "  const lossG = F.binaryCrossEntropyWithLogits(D.forward(fake), ones([8, 1]));",
      "  optG.zeroGrad();",
      "  lossG.backward();",
      "  optG.step();",
    ]);
    // The fixed file scans like the good one: one detach, zeroGrad of both optimizers.
    const scan = scanSource(both.join("\n"), BUGGY_FILE);
    expect(scan.sites.filter((s) => s.kind === "detach").map((s) => s.receiver)).toEqual(["fake"]);
    expect(scan.sites.filter((s) => s.kind === "zero-grad").map((s) => s.receiver)).toEqual(["optD", "optG"]);
  });

  it("GL011 offers the detach; nothing is offered once it is there", () => {
    const [fix] = fixesFor(GL011, buggy, buggyGanReport());
    expect(fix!.edits).toEqual([{ range: { line: 32, column: 50, endLine: 32, endColumn: 50 }, newText: ".detach()" }]);
    expect(fixesFor(GL011, apply(buggy, fix!.edits), buggyGanReport())).toEqual([]);
  });

  it("a module called inside the loss gets the detach after the call", () => {
    const src = [
      'import { nn } from "gradlens";',
      "const lossD = D.forward(G.forward(z)).mean();",
      "lossD.backward();",
      "optD.step();",
    ].join("\n");
    const finding = { ...GL011, file: "/ws/m.ts", line: 2, column: 25, related: [{ file: "/ws/m.ts", line: 3, column: 7, message: "" }] };
    const [fix] = fixesFor(finding, src);
    expect(lines(apply(src, fix!.edits))[1]).toBe("const lossD = D.forward(G.forward(z).detach()).mean();");
  });
});

const file = "/ws/train.ts";
const finding = (code: string, line: number, column: number, extra: Partial<Finding> = {}): Omit<Finding, "severity"> => ({
  file, line, column, code, message: "", parameters: [], related: [], ...extra,
});

describe("optimizer fixes", () => {
  it("GL003: only trainable parameters (parameters() is an iterable: spread it)", () => {
    const src = [
      'import { optim } from "gradlens";',
      "backbone.requiresGrad_(false);",
      "const opt = new optim.Adam(model.parameters(), { lr: 1e-3 });",
    ].join("\n");
    const [fix] = fixesFor(finding("GL003", 3, 13), src);
    expect(lines(apply(src, fix!.edits))[2]).toBe("const opt = new optim.Adam([...model.parameters()].filter((p) => p.requiresGrad), { lr: 1e-3 });");
    const arr = src.replace("model.parameters()", "[...a.parameters(), ...b.parameters()]");
    expect(lines(apply(arr, fixesFor(finding("GL003", 3, 13), arr)[0]!.edits))[2]).toBe(
      "const opt = new optim.Adam([...a.parameters(), ...b.parameters()].filter((p) => p.requiresGrad), { lr: 1e-3 });",
    );
    expect(fixesFor(finding("GL003", 3, 13), src.replace("model.parameters()", "[{ params: a.parameters() }]"))).toEqual([]);
  });

  it("GL002: an lr-0 group becomes requiresGrad_(false)", () => {
    const src = [
      'import { optim } from "gradlens";',
      "function setup() {",
      "  const opt = new optim.SGD([",
      "    { params: backbone.parameters(), lr: 0 },",
      "    { params: head.parameters() },",
      "  ], { lr: 0.01 });",
      "}",
    ].join("\n");
    const [fix] = fixesFor(finding("GL002", 3, 15), src);
    expect(fix!.title).toBe("Freeze with `backbone.requiresGrad_(false)` instead of an lr-0 group");
    expect(apply(src, fix!.edits)).toBe(
      [
        'import { optim } from "gradlens";',
        "function setup() {",
        "  backbone.requiresGrad_(false);",
        "  const opt = new optim.SGD([",
        "    { params: head.parameters() },",
        "  ], { lr: 0.01 });",
        "}",
      ].join("\n"),
    );
    const last = "const o = new optim.SGD([{ params: head.parameters() }, { params: extra, lr: 0.0 }]);";
    expect(lines(apply(last, fixesFor(finding("GL002", 1, 11), last)[0]!.edits))).toEqual([
      "for (const p of extra) p.requiresGrad_(false);",
      "const o = new optim.SGD([{ params: head.parameters() }]);",
    ]);
  });
});

describe("zeroGrad, noGrad and detach removal", () => {
  it("GL005 on a step: clear the optimizer before the last backward()", () => {
    const src = [
      "for (const batch of data) {",
      "  loss1.backward({ retainGraph: true });",
      "  loss2.backward();",
      "  opt.step();",
      "}",
    ].join("\n");
    const [fix] = fixesFor(finding("GL005", 4, 7), src);
    expect(lines(apply(src, fix!.edits)).slice(1, 4)).toEqual(["  loss1.backward({ retainGraph: true });", "  opt.zeroGrad();", "  loss2.backward();"]);
    expect(fixesFor(finding("GL005", 4, 7), apply(src, fix!.edits))).toEqual([]);
  });

  it("a run failure from an in-place update of a leaf is wrapped in noGrad, importing it", () => {
    const src = ['import { randn } from "gradlens";', "const w = randn([3], { requiresGrad: true });", "w.sub_(w.grad!.mul(0.1));"].join("\n");
    const failure = failureAsFinding(file, 3, 1, "run-exception", "RuntimeError: a leaf Variable that requires grad is being used in an in-place operation.");
    const [fix] = fixesFor(failure, src);
    expect(apply(src, fix!.edits)).toBe(
      ['import { randn, noGrad } from "gradlens";', "const w = randn([3], { requiresGrad: true });", "noGrad(() => {", "  w.sub_(w.grad!.mul(0.1));", "});"].join("\n"),
    );
    const decl = 'import { noGrad as ng } from "gradlens";\nconst y = f(x);';
    expect(apply(decl, fixesFor(failureAsFinding(file, 2, 1, "run-exception", failure.message), decl)[0]!.edits)).toBe(
      'import { noGrad as ng } from "gradlens";\nconst y = ng(() => f(x));',
    );
    expect(fixesFor(failureAsFinding(file, 3, 1, "run-exception", "TypeError: x is undefined"), src)).toEqual([]);
  });

  it("GL001 on a detach: remove it", () => {
    const src = 'import { optim } from "gradlens";\nconst h = encoder.forward(x).detach();\nloss.backward();';
    const [fix] = fixesFor(finding("GL001", 2, 30), src);
    expect(fix!.title).toBe("Remove `.detach()` from `encoder.forward(x)` so gradient flows on");
    expect(lines(apply(src, fix!.edits))[1]).toBe("const h = encoder.forward(x);");
  });

  it("every code in the table is a rule's code or a run failure (the key type makes any other a compile error)", () => {
    const codes = new Set<string>(RULES.map((r) => r.code));
    for (const code of Object.keys(QUICK_FIXES)) expect(codes.has(code) || /^run-[a-z-]+$/.test(code), code).toBe(true);
    // @ts-expect-error -- "GL999" is no rule's code
    const wrong: typeof QUICK_FIXES = { GL999: [] };
    expect(wrong).toBeDefined();
    expect(fixesFor(finding("GL009", 1, 1), "opt.step();")).toEqual([]);
  });
});

describe("Ignore GLxxx on this line", () => {
  it("appends the suppression comment at the end of the finding's line", () => {
    const text = "const a = 1;\nconst opt = new optim.SGD(head.parameters(), { lr: 0.1 });   \nopt.step();\n";
    const fix = ignoreOnLine(text, 2, "GL004")!;
    expect(fix.title).toBe("Ignore GL004 on this line");
    expect(apply(text, fix.edits).split("\n")[1]).toBe("const opt = new optim.SGD(head.parameters(), { lr: 0.1 }); // gradlens-ignore GL004");
  });
  it("adds a code to a comment already there (on the line or alone above it), and nothing when the code is in it", () => {
    const text = "opt.step(); // gradlens-ignore GL006\r\nx();";
    expect(apply(text, ignoreOnLine(text, 1, "GL005")!.edits)).toBe("opt.step(); // gradlens-ignore GL006, GL005\r\nx();");
    expect(ignoreOnLine(text, 1, "GL006")).toBeNull();
    const above = "  // gradlens-ignore GL007\n  const h = x.detach();\n";
    expect(apply(above, ignoreOnLine(above, 2, "GL001")!.edits)).toBe("  // gradlens-ignore GL007, GL001\n  const h = x.detach();\n");
  });
  it("a line with a comment of its own gets the directive alone on the line above (the analysis reads only a leading directive)", () => {
    const text = "{\n    opt.step(); // the D step\n}";
    expect(apply(text, ignoreOnLine(text, 2, "GL006")!.edits)).toBe("{\n    // gradlens-ignore GL006\n    opt.step(); // the D step\n}");
  });
  it("Python: `# gradlens-ignore`", () => {
    const text = "import torch\noptimizerG = optim.Adam(netG.parameters(), lr=2e-4)\n";
    expect(apply(text, ignoreOnLine(text, 2, "GL004", "#")!.edits).split("\n")[1]).toBe("optimizerG = optim.Adam(netG.parameters(), lr=2e-4) # gradlens-ignore GL004");
    const commented = "    errD.backward()  # real batch\n";
    expect(apply(commented, ignoreOnLine(commented, 1, "GL005", "#")!.edits)).toBe("    # gradlens-ignore GL005\n    errD.backward()  # real batch\n");
  });
  it("only for finding codes, not run failures", () => {
    expect(ignoreOnLine("x();", 1, "run-exception")).toBeNull();
  });
});
