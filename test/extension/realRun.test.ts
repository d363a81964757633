// The builders on real reports: both GAN fixtures run through the runner (worker bundle) and the
// analysis. The buggy GAN must give an error diagnostic on optG.step() whose quick fixes add
// fake.detach() and optG.zeroGrad(); after applying them a re-run has no error left.
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildFindingDiagnostics } from "../../src/extension/core/diagnostics";
import { buildLenses } from "../../src/extension/core/lenses";
import { buildQuickFixes, parseWithParents, type TextEditSpec } from "../../src/extension/core/quickFixes";
import { buildStatus } from "../../src/extension/core/statusBar";
import type { Report } from "../../src/protocol/report";
import { runCheck } from "../../src/runner/check";
import { scanSource } from "../../src/static";
import { fixtureSource } from "../fixtures/extension/ganReports";
import { buildDist, repoRoot } from "../runner/buildDist";
import { lookupFor } from "./helpers";

let dist: Awaited<ReturnType<typeof buildDist>>;
const dir = mkdtempSync(join(tmpdir(), "gradlens-ext-"));

beforeAll(async () => {
  dist = await buildDist(["worker"]);
}, 120_000);
afterAll(() => dist?.cleanup());

async function check(name: string, text: string): Promise<{ file: string; report: Report }> {
  const file = join(dir, `${name}.ts`);
  writeFileSync(file, text);
  const report = await runCheck(file, { workerPath: join(dist.dir, "worker.js"), cwd: dir, steps: 3, timeoutMs: 60_000 });
  expect(report.error).toBeNull();
  return { file, report };
}

function apply(text: string, edits: readonly TextEditSpec[]): string {
  const starts = [0];
  for (let i = 0; i < text.length; i++) if (text[i] === "\n") starts.push(i + 1);
  const at = (l: number, c: number) => starts[l - 1]! + c - 1;
  let out = text;
  for (const e of [...edits].sort((a, b) => at(b.range.line, b.range.column) - at(a.range.line, a.range.column))) {
    out = out.slice(0, at(e.range.line, e.range.column)) + e.newText + out.slice(at(e.range.endLine, e.range.endColumn));
  }
  return out;
}

describe("real runs of the GAN fixtures", () => {
  it("good GAN: the detach lens says G still gets gradient from lossG; no error", async () => {
    const text = fixtureSource("gan-good");
    const { file, report } = await check("gan-good", text);
    const lenses = buildLenses(scanSource(text, file), report, file);
    expect(lenses.find((l) => l.line === 32)!.title).toBe("cuts gradient to G.fc1.weight, G.fc1.bias (+2) — they get gradient from lossG ✓");
    expect(lenses.find((l) => l.line === 34)!.title).toBe("reaches 4 parameters in D, 0 in G");
    expect(lenses.find((l) => l.line === 23)!.title).toBe("steps 4 parameters: all updated ✓");
    expect(report.findings.filter((f) => f.severity === "error")).toEqual([]);
    expect(buildStatus({ kind: "done", report }).text).toMatch(/^\$\((check|info)\) GradLens: /);
  }, 120_000);

  it("buggy GAN: an error on optG.step() whose quick fixes add fake.detach() and optG.zeroGrad()", async () => {
    const text = fixtureSource("gan-buggy");
    const { file, report } = await check("gan-buggy", text);
    const diagnostics = buildFindingDiagnostics(report, ["error", "warning", "info"], lookupFor({ [file]: text }));
    const error = diagnostics.find((d) => d.severity === "error");
    expect(error).toMatchObject({ code: "GL006", docsTarget: "command:gradlens.openFindingDocs?%5B%22GL006%22%5D", range: { line: 39, column: 3, endLine: 39, endColumn: 14 } });
    const finding = report.findings.find((f) => f.code === "GL006")!;
    const fixes = buildQuickFixes({ finding, source: parseWithParents(text, file), scan: scanSource(text, file), report });
    expect(fixes.map((f) => f.title)).toEqual([
      "Add .detach() to `fake` so this loss stops before G",
      "Add `optG.zeroGrad()` before `lossG.backward()`",
    ]);
    const fixed = apply(text, fixes.flatMap((f) => f.edits));
    const rerun = await check("gan-fixed", fixed);
    expect(rerun.report.findings.filter((f) => f.severity === "error")).toEqual([]);
    expect(rerun.report.findings.map((f) => f.code)).not.toContain("GL011");
  }, 180_000);

  it("examples/gan-no-detach.ts (G run twice): the same two fixes, on its own lines", async () => {
    const text = readFileSync(join(repoRoot, "examples/gan-no-detach.ts"), "utf8");
    const { file, report } = await check("gan-no-detach", text);
    const finding = report.findings.find((f) => f.code === "GL006")!;
    expect(finding).toMatchObject({ severity: "error", line: 29 });
    const fixes = buildQuickFixes({ finding, source: parseWithParents(text, file), scan: scanSource(text, file), report });
    const fixed = apply(text, fixes.flatMap((f) => f.edits)).split("\n");
    expect(fixed[20]).toContain("criterion.forward(D.forward(fake.detach()), fakeLabel)");
    expect(fixed.slice(26, 29)).toEqual(["  const lossG = criterion.forward(D.forward(fake2), valid);", "  optG.zeroGrad();", "  lossG.backward();"]);
    const rerun = await check("gan-no-detach-fixed", fixed.join("\n"));
    expect(rerun.report.findings.filter((f) => f.severity === "error")).toEqual([]);
  }, 180_000);
});

describe("the unsaved buffer is what runs", () => {
  it("the overlay's text of the file and of a module it imports runs, not what is on disk", async () => {
    const model = join(dir, "overlay-model.ts");
    const net = join(dir, "overlay-net.ts");
    const onDisk = 'import { nn } from "gradlens";\nexport const net = new nn.Linear(2, 1);\n';
    writeFileSync(net, onDisk);
    writeFileSync(model, 'import { net } from "./overlay-net";\nconsole.log(net.weight.shape);\n');
    const buffer = [
      'import { optim, randn } from "gradlens";',
      'import { net } from "./overlay-net";',
      "const opt = new optim.SGD(net.parameters(), { lr: 0.1 });",
      "opt.zeroGrad();",
      "net.forward(randn([4, 2])).sum().backward();",
      "opt.step();",
    ].join("\n");
    const netBuffer = 'import { nn } from "gradlens";\nexport const net = new nn.Linear(2, 3);\n';
    const overlay = new Map([[model, buffer], [net, netBuffer]]);
    const report = await runCheck(model, { workerPath: join(dist.dir, "worker.js"), cwd: dir, timeoutMs: 60_000, overlay });
    expect(report.error).toBeNull();
    expect(report.optimizers.map((o) => o.line)).toEqual([3]);
    expect(report.parameters.map((p) => [p.name, p.shape, p.status])).toEqual([
      ["net.weight", [3, 2], "updated"],
      ["net.bias", [3], "updated"],
    ]);
    expect(readFileSync(net, "utf8")).toBe(onDisk);
  }, 120_000);
});

describe("quick fixes on real runs", () => {
  const fixAndRerun = async (name: string, text: string, code: string) => {
    const { file, report } = await check(name, text);
    const finding = report.findings.find((f) => f.code === code);
    expect(finding, `${code} in ${report.findings.map((f) => f.code).join(", ")}`).toBeDefined();
    const fixes = buildQuickFixes({ finding: finding!, source: parseWithParents(text, file), scan: scanSource(text, file), report });
    expect(fixes.length).toBe(1);
    const fixed = apply(text, fixes[0]!.edits);
    const rerun = await check(`${name}-fixed`, fixed);
    expect(rerun.report.findings.map((f) => f.code)).not.toContain(code);
    return { title: fixes[0]!.title, fixed: fixed.split("\n"), rerun: rerun.report };
  };

  it("GL004: adds the module no optimizer holds to the optimizer; it is then updated", async () => {
    const text = [
      'import { nn, optim, randn } from "gradlens";',
      "const model1 = new nn.Linear(4, 3);",
      "const head = new nn.Linear(3, 1);",
      "const opt = new optim.SGD(head.parameters(), { lr: 0.1 });",
      "for (let i = 0; i < 2; i++) {",
      "  opt.zeroGrad();",
      "  head.forward(model1.forward(randn([8, 4]))).pow(2).mean().backward();",
      "  opt.step();",
      "}",
    ].join("\n");
    const { title, fixed, rerun } = await fixAndRerun("gl004", text, "GL004");
    expect(title).toBe("Add `model1.parameters()` to the optimizer");
    expect(fixed[3]).toBe("const opt = new optim.SGD([...head.parameters(), ...model1.parameters()], { lr: 0.1 });");
    expect(rerun.parameters.every((p) => p.status === "updated")).toBe(true);
  }, 180_000);

  it("GL008: puts the frozen module in eval mode after the train() call of each iteration", async () => {
    const text = [
      'import { nn, optim, randn } from "gradlens";',
      "const backbone = new nn.Sequential(new nn.Linear(4, 8), new nn.BatchNorm1d(8));",
      "const head = new nn.Linear(8, 1);",
      "backbone.requiresGrad_(false);",
      "const opt = new optim.SGD(head.parameters(), { lr: 0.1 });",
      "for (let i = 0; i < 2; i++) {",
      "  backbone.train();",
      "  opt.zeroGrad();",
      "  head.forward(backbone.forward(randn([8, 4]))).pow(2).mean().backward();",
      "  opt.step();",
      "}",
    ].join("\n");
    const { title, fixed } = await fixAndRerun("gl008", text, "GL008");
    expect(title).toBe("Put the frozen `backbone` in eval mode: `backbone.eval()`");
    expect(fixed.slice(6, 8)).toEqual(["  backbone.train();", "  backbone.eval();"]);
  }, 180_000);
});
