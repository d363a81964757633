import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { execFile } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { runCheck } from "../../src/runner/check";
import type { Report } from "../../src/protocol/report";
import { buildDist, repoRoot } from "../runner/buildDist";
import { torchPython, NO_TORCH } from "../runner/python/torchPython";

// The suppression comment is read from the text that was checked: an editor's unsaved buffer
// (RunOptions.overlay) rather than the file on disk, and `# gradlens-ignore` in a .py script, through
// runCheck and through the CLI.

let dir = "";
let cleanup = () => {};
let tmp = "";
beforeAll(async () => {
  const built = await buildDist(["cli", "worker"]);
  dir = built.dir;
  cleanup = built.cleanup;
  tmp = mkdtempSync(join(tmpdir(), "gradlens-ignore-"));
}, 60_000);
afterAll(() => {
  cleanup();
  rmSync(tmp, { recursive: true, force: true });
});

const PROGRAM = "test/corpus/programs/buggyMissingZeroGrad.ts";
const STEP_LINE = 12; // optimizer.step() without zeroGrad(): GL005

const codesAt = (fs: ReadonlyArray<{ code: string; line: number }> | undefined) => (fs ?? []).map((f) => `${f.code}@${f.line}`);

describe("suppressions come from the text that ran", () => {
  it("an unsaved buffer's comment silences the finding; the file on disk has none", async () => {
    const abs = join(repoRoot, PROGRAM);
    const disk = readFileSync(abs, "utf8");
    expect(disk.split("\n")[STEP_LINE - 1]).toContain("optimizer.step(); // @finding GL005");
    const workerPath = join(dir, "worker.js");
    const plain = await runCheck(PROGRAM, { workerPath, cwd: repoRoot, keepWarm: false });
    expect(codesAt(plain.findings)).toContain(`GL005@${STEP_LINE}`);
    expect(plain.suppressed).toEqual([]);

    const buffer = disk.replace("// @finding GL005", "// gradlens-ignore GL005");
    const edited = await runCheck(PROGRAM, { workerPath, cwd: repoRoot, keepWarm: false, overlay: new Map([[abs, buffer]]) });
    expect(codesAt(edited.findings)).not.toContain(`GL005@${STEP_LINE}`);
    expect(codesAt(edited.suppressed)).toEqual([`GL005@${STEP_LINE}`]);
    expect(edited.suppressed![0].by).toEqual({ file: PROGRAM, line: STEP_LINE, column: 21 });
  }, 60_000);

  it("a buffer that removed the disk's comment is not silenced by it", async () => {
    const abs = join(tmp, "model.ts");
    const source = readFileSync(join(repoRoot, PROGRAM), "utf8");
    writeFileSync(abs, source.replace("// @finding GL005", "// gradlens-ignore GL005"));
    const workerPath = join(dir, "worker.js");
    const onDisk = await runCheck(abs, { workerPath, cwd: repoRoot, keepWarm: false });
    expect(codesAt(onDisk.suppressed)).toEqual([`GL005@${STEP_LINE}`]);
    const edited = await runCheck(abs, { workerPath, cwd: repoRoot, keepWarm: false, overlay: new Map([[abs, source]]) });
    expect(codesAt(edited.findings)).toContain(`GL005@${STEP_LINE}`);
    expect(edited.suppressed).toEqual([]);
  }, 60_000);
});

// The same loop in PyTorch: no optimizer.zero_grad(), so each step applies every gradient so far.
const PY = (comment: string) => `import torch
from torch import nn

torch.manual_seed(15)
model = nn.Sequential(nn.Linear(10, 16), nn.ReLU(), nn.Linear(16, 3))
optimizer = torch.optim.SGD(model.parameters(), lr=0.01)
for batch in range(4):
    loss = nn.functional.cross_entropy(model(torch.randn(4, 10)), torch.randint(0, 3, (4,)))
    loss.backward()
    ${comment}
    optimizer.step()
`;
const PY_STEP_LINE = 11;

function cli(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [join(dir, "cli.js"), ...args], { cwd: repoRoot, timeout: 120_000 }, (error, stdout, stderr) => {
      const code = error ? Number((error as { code?: number }).code ?? 1) : 0;
      resolve({ code, stdout, stderr });
    });
  });
}

describe(`# gradlens-ignore in a .py script (${torchPython ?? NO_TORCH})`, () => {
  it("runCheck: the finding is found without the comment and suppressed with it", async () => {
    expect(torchPython, NO_TORCH).not.toBeNull();
    const bare = join(tmp, "bare.py");
    const silenced = join(tmp, "silenced.py");
    writeFileSync(bare, PY("# zero_grad is missing"));
    writeFileSync(silenced, PY("# gradlens-ignore GL005"));
    const [a, b] = await Promise.all([bare, silenced].map((f) => runCheck(f, { python: torchPython!, timeoutMs: 60_000 })));
    expect(a.error).toBeNull();
    expect(codesAt(a.findings)).toContain(`GL005@${PY_STEP_LINE}`);
    expect(a.suppressed).toEqual([]);
    expect(codesAt(b.findings)).not.toContain(`GL005@${PY_STEP_LINE}`);
    expect(codesAt(b.suppressed)).toEqual([`GL005@${PY_STEP_LINE}`]);
    expect(b.suppressed![0].by.line).toBe(PY_STEP_LINE - 1);
  }, 120_000);

  it("the CLI lists it as suppressed (text and JSON) and does not fail on it", async () => {
    expect(torchPython, NO_TORCH).not.toBeNull();
    const file = join(tmp, "cli.py");
    writeFileSync(file, PY("# gradlens-ignore GL005"));
    const json = await cli("check", file, "--json", "--python", torchPython!, "--timeout", "60");
    expect(json.stderr).toBe("");
    const report = JSON.parse(json.stdout) as Report;
    expect(codesAt(report.suppressed)).toEqual([`GL005@${PY_STEP_LINE}`]);
    expect(codesAt(report.findings.filter((f) => f.severity !== "info"))).toEqual([]);
    expect(json.code).toBe(0);
    const text = await cli("check", file, "--python", torchPython!, "--timeout", "60");
    expect(text.stdout).toContain(`Suppressed (1): GL005 at ${report.file}:${PY_STEP_LINE} (gradlens-ignore at line ${PY_STEP_LINE - 1})`);
  }, 120_000);
});
