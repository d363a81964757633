import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { join } from "node:path";
import { runCheck } from "../../../src/runner/check";
import { buildDist, repoRoot } from "../../runner/buildDist";

// The example programs issue 15 names, each run through the real check (bundle → worker → Trace →
// Report): correct training code, so every parameter is updated and no finding is a warning or error.

let workerPath = "";
let cleanup = () => {};
beforeAll(async () => {
  const built = await buildDist(["worker"]);
  workerPath = join(built.dir, "worker.js");
  cleanup = built.cleanup;
}, 60_000);
afterAll(() => cleanup());

const examples: Array<[string, string]> = [
  ["lstm-lm", "an LSTM language model with truncated BPTT (nn.LSTM, detached hidden state)"],
  ["dcgan", "a DCGAN (ConvTranspose2d generator, D step on fake.detach())"],
  ["wgan-gp", "a WGAN-GP (gradient penalty through autograd.grad with createGraph)"],
  ["reinforce", "a REINFORCE agent (distributions.Categorical)"],
];

describe("the issue's example programs pass the check", () => {
  for (const [name, what] of examples) {
    it(`${name}: ${what}`, async () => {
      const report = await runCheck(`examples/${name}.ts`, { workerPath, cwd: repoRoot, timeoutMs: 30_000 });
      expect(report.error).toBeNull();
      expect(report.parameters.length).toBeGreaterThan(0);
      expect(report.parameters.filter((p) => p.status !== "updated").map((p) => `${p.name}: ${p.status}`)).toEqual([]);
      const problems = report.findings.filter((f) => f.severity !== "info");
      expect(problems, JSON.stringify(problems, null, 1)).toEqual([]);
    });
  }
});
