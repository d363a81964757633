import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { runFile } from "../../src/runner/run";
import { analyze } from "../../src/analysis";
import type { Report } from "../../src/protocol/report";
import { buildDist, repoRoot } from "../runner/buildDist";

// Every program in test/corpus/programs runs through the real runner (bundle → worker → Trace) and
// the analysis. Each file states what PyTorch's behaviour makes right for it:
//   // @corpus correct | buggy      correct programs get no warning or error finding
//   // @status <name prefix> <status>   parameters whose name starts with the prefix have that status;
//                                      every other parameter is `updated`
//   ... // @finding GL006          a warning/error finding with that code on that line (buggy programs)
// A buggy program's warning/error findings are exactly the @finding lines.

const dir = join(repoRoot, "test/corpus/programs");
const programs = readdirSync(dir).filter((f) => f.endsWith(".ts")).sort();

interface Expectations {
  kind: "correct" | "buggy";
  statuses: Array<[string, string]>;
  findings: string[];
}

function expectationsOf(source: string): Expectations {
  const lines = source.split("\n");
  const kind = /\/\/ @corpus (correct|buggy)/.exec(source)?.[1] as Expectations["kind"] | undefined;
  if (kind === undefined) throw new Error("a corpus program must say `// @corpus correct` or `// @corpus buggy`");
  const statuses = [...source.matchAll(/\/\/ @status (\S+) (\S+)/g)].map((m) => [m[1], m[2]] as [string, string]);
  const findings: string[] = [];
  lines.forEach((l, i) => {
    for (const m of l.matchAll(/\/\/ @finding (GL\d{3})/g)) findings.push(`${m[1]}@${i + 1}`);
  });
  return { kind, statuses, findings };
}

let workerPath = "";
let cleanup = () => {};
beforeAll(async () => {
  const built = await buildDist(["worker"]);
  workerPath = join(built.dir, "worker.js");
  cleanup = built.cleanup;
}, 60_000);
afterAll(() => cleanup());

async function check(file: string): Promise<Report> {
  const trace = await runFile(`test/corpus/programs/${file}`, { workerPath, cwd: repoRoot, timeoutMs: 15_000 });
  return analyze(trace);
}

describe("the corpus of canonical programs and their buggy twins", () => {
  it("has the programs the issue names", () => {
    expect(programs.length).toBeGreaterThanOrEqual(16);
  });

  for (const file of programs) {
    it(file, async () => {
      const expected = expectationsOf(readFileSync(join(dir, file), "utf8"));
      const report = await check(file);
      expect(report.error).toBeNull();
      const statusOf = (name: string) => expected.statuses.find(([prefix]) => name.startsWith(prefix))?.[1] ?? "updated";
      expect(report.parameters.map((p) => `${p.name}: ${p.status}`)).toEqual(report.parameters.map((p) => `${p.name}: ${statusOf(p.name)}`));
      const problems = report.findings.filter((f) => f.severity !== "info").map((f) => `${f.code}@${f.line}`);
      if (expected.kind === "correct") expect(problems, JSON.stringify(report.findings, null, 1)).toEqual([]);
      else expect([...new Set(problems)].sort()).toEqual([...expected.findings].sort());
    });
  }
});
