import { describe, expect, it } from "vitest";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import type { Report } from "../../src/protocol/report";
import { formatText } from "../../src/cli/formatText";
import { toSarif } from "../../src/cli/formatSarif";
import { exitCodeFor } from "../../src/cli/exitCode";

// The formatters on a stored report (test/fixtures/reports/branch-detach.json): x cut by a detach at
// line 7, q updated.

const fixture = (name = "branch-detach"): Report =>
  JSON.parse(readFileSync(fileURLToPath(new URL(`../fixtures/reports/${name}.json`, import.meta.url)), "utf8"));

describe("formatText", () => {
  const report = fixture();
  const text = formatText(report);

  it("has one table row per parameter with its facts and cause", () => {
    const x = text.split("\n").find((l) => l.startsWith("x "))!;
    expect(x.split(/\s{2,}/)).toEqual(["x", "[3]", "3", "yes", "no", "opt[0] lr=0.1", "no", "cut: detach at examples/branch-detach.ts:7"]);
    const q = text.split("\n").find((l) => l.startsWith("q "))!;
    expect(q.split(/\s{2,}/)).toEqual(["q", "[3]", "3", "yes", "yes", "opt[0] lr=0.1", "yes"]);
  });
  it("prints a learning rate as written, not its floating-point noise (0.1 * 0.1 → 0.01, 3e-5)", () => {
    const r = fixture();
    r.parameters[0].groups = [{ optimizer: "opt", group: 0, lr: 0.1 * 0.1 }, { optimizer: "opt2", group: 1, lr: 3e-5 }];
    const x = formatText(r).split("\n").find((l) => l.startsWith("x "))!;
    expect(x.split(/\s{2,}/)[5]).toBe("opt[0] lr=0.01, opt2[1] lr=3e-5");
  });
  it("lists inputs that require grad apart from the parameters, one line per line that makes them", () => {
    const r = fixture();
    expect(formatText(r)).not.toContain("Inputs that require grad");
    r.inputs = [{ name: "data", shape: [1, 1, 28, 28], numel: 784, dtype: "float32", count: 3, gotGrad: true, reachedBy: [0, 1, 2], site: { file: "fgsm.ts", line: 27, column: 16 } }];
    const text = formatText(r);
    expect(text).toContain(
      "Total elements: 6 in 2 tensors\nTrainable: 6 (2)   Updated: 3 (1)   Not updated: 3 (1)\n\n" +
        "Inputs that require grad, not parameters (a new one each iteration, in no optimizer, updated by nothing):\n" +
        "  data  [1, 1, 28, 28]  gradient yes (3 tensors)  made at fgsm.ts:27\n\n",
    );
  });
  it("lists each finding with its code and file:line:column", () => {
    for (const f of report.findings) expect(text).toContain(`${f.code}  ${f.file}:${f.line}:${f.column}  ${f.message}`);
  });
  it("sums the elements and tensors: trainable, updated, not updated", () => {
    expect(text).toContain("Total elements: 6 in 2 tensors\nTrainable: 6 (2)   Updated: 3 (1)   Not updated: 3 (1)\n");
  });
  it("says how many updated elements were written by hand (an EMA target: updated, not trainable)", () => {
    const r = fixture();
    const x = r.parameters.find((p) => p.name === "x")!;
    Object.assign(x, { requiresGrad: false, updated: true, status: "updated", cause: null, updatedByHand: { file: "examples/branch-detach.ts", line: 12, column: 5 } });
    expect(formatText(r)).toContain("Trainable: 3 (1)   Updated: 6 (2), by hand 3 (1)   Not updated: 0 (0)\n");
  });
  it("ends with where the run stopped", () => {
    expect(text).toContain(`Stopped: The file ran to the end. 1 backward, 1 optimizer steps traced in`);
  });
  it("names the free leaves a backward() reached, and what a cut blocked", () => {
    expect(text).toContain("Backward calls (1), parameters reached by module:\n  examples/branch-detach.ts:9:1  q\n");
    expect(text).toContain("Cut sites (1):\n  detach              examples/branch-detach.ts:7:15  blocked x\n");
  });
});

describe("formatText: reach, cuts and memory (the GAN done right, stored report)", () => {
  const text = formatText(fixture("gan"));
  it("says what each backward() reached, by top-level module out of its parameters", () => {
    expect(text).toContain("Backward calls (2), parameters reached by module:\n  examples/gan.ts:37:1  G 0/4, D 4/4\n  examples/gan.ts:43:1  G 4/4, D 4/4\n");
  });
  it("says a cut's blocked parameters got gradient another way", () => {
    expect(text).toContain("  detach              examples/gan.ts:34:31  blocked G.fc1.weight, G.fc1.bias, G.fc2.weight, G.fc2.bias — all got gradient another way\n");
  });
  it("gives memory saved for backward by module and what freezing each module would save", () => {
    const r = fixture("gan");
    expect(r.memory.byModule).toEqual([{ module: "G", savedBytes: 1344 }, { module: "D", savedBytes: 3584 }]);
    expect(text).toContain("Memory saved for backward: 5.0 KiB\n  by module: G 1.3 KiB, D 3.5 KiB\n  freezing would save: G 672 B, D 1.8 KiB\n");
  });
  it("collapses repeated calls from one line into one row", () => {
    const r = fixture("gan");
    r.backwards = [r.backwards[0], { ...r.backwards[0], index: 1 }, r.backwards[1]];
    expect(formatText(r)).toContain("  examples/gan.ts:37:1  G 0/4, D 4/4   (2 calls)\n  examples/gan.ts:43:1  G 4/4, D 4/4\n");
  });
});

describe("formatText: nothing from the checked file can drive the terminal", () => {
  const hostile = (): Report => {
    const r = fixture();
    r.parameters[0].name = "x\u001b[2J\u001b]0;pwned\u0007\u202e";
    r.findings[0].message = "bad\u001b[31m red\u001b[0m\nforged line\r";
    r.console = ["\u001b]8;;http://evil\u001b\\link\u001b]8;;\u001b\\ done", "\u0007bell\u009b2Jok"];
    r.stopped.message = "stopped\u001bc";
    return r;
  };
  const text = formatText(hostile());
  it("strips escape sequences and control characters, keeping the text", () => {
    expect(text).not.toMatch(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202a-\u202e]/);
    expect(text.split("\n").find((l) => l.startsWith("x "))).toMatch(/^x\s+\[3\]/);
    expect(text).toContain("GL001  examples/branch-detach.ts:7:15  bad red forged line\n");
    expect(text).toContain("Console output:\n  link done\n  bellok\n");
    expect(text).toContain("Stopped: stopped. 1 backward");
  });
  it("shows the last console lines and says how many there were", () => {
    const r = fixture();
    r.console = Array.from({ length: 25 }, (_, i) => `line ${i}`);
    const lines = formatText(r).split("\n");
    const at = lines.indexOf("Console output (last 10 of 25 lines; --json has all):");
    expect(lines.slice(at + 1, at + 11)).toEqual(Array.from({ length: 10 }, (_, i) => `  line ${i + 15}`));
  });
});

describe("toSarif", () => {
  it("maps findings to results with rule ids, levels and locations", () => {
    const report = fixture();
    const log = toSarif(report, "0.1.0");
    const run = log.runs[0];
    expect(run.tool.driver.rules.map((r) => r.id)).toEqual([...new Set(report.findings.map((f) => f.code))].sort());
    expect(run.results).toHaveLength(report.findings.length);
    const [first] = run.results;
    const f = report.findings[0];
    expect(first.ruleId).toBe(f.code);
    expect(first.level).toBe(f.severity === "info" ? "note" : f.severity);
    expect(first.locations[0].physicalLocation).toEqual({
      artifactLocation: { uri: f.file, uriBaseId: "%SRCROOT%" },
      region: { startLine: f.line, startColumn: f.column },
    });
    expect(run.invocations[0].executionSuccessful).toBe(true);
  });
  it("points at no placeholder host: rules carry no helpUri, the driver no informationUri", () => {
    const text = JSON.stringify(toSarif(fixture("gan-no-detach"), "0.1.0"));
    expect(text).not.toMatch(/helpUri|informationUri|example\.invalid/);
  });
});

describe("exitCodeFor", () => {
  it("is 2 for a run error, 1 for an error finding, else 0", () => {
    const r = fixture();
    expect(exitCodeFor({ ...r, findings: [] })).toBe(0);
    expect(exitCodeFor({ ...r, findings: [{ ...r.findings[0], severity: "error" }] })).toBe(1);
    expect(exitCodeFor({ ...r, findings: [{ ...r.findings[0], severity: "warning" }] })).toBe(0);
    expect(exitCodeFor({ ...r, error: { kind: "syntax", message: "x", file: "a.ts", line: 1, column: 1 } })).toBe(2);
  });
});
