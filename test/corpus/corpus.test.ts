import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { runCheck } from "../../src/runner/check";
import type { Report } from "../../src/protocol/report";
import { buildDist, repoRoot } from "../runner/buildDist";
import { torchPython, NO_TORCH } from "../runner/python/torchPython";

// Every program in test/corpus/programs runs through the real runner (bundle → worker → Trace) and
// the analysis. Each file states what PyTorch's behaviour makes right for it:
//   // @corpus correct | buggy      correct programs get no warning or error finding
//   // @status <name prefix> <status>   parameters whose name starts with the prefix have that status;
//                                      every other parameter is `updated`
//   ... // @finding GL006          a warning/error finding with that code on that line (buggy programs)
//   // gradlens-ignore GL007       the user's suppression comment: it must silence a real finding
// A buggy program's warning/error findings are exactly the @finding lines.
// The .py programs are PyTorch twins of the trickiest ones (`#` for `//`), run by the Python backend
// with a Python that has torch: they must give the same kind of report.

const dir = join(repoRoot, "test/corpus/programs");
const programs = readdirSync(dir).filter((f) => f.endsWith(".ts") || f.endsWith(".py")).sort();

interface Expectations {
  kind: "correct" | "buggy";
  statuses: Array<[string, string]>;
  findings: string[];
  /** code@line of the findings the program's gradlens-ignore comments silence */
  suppressed: string[];
}

function expectationsOf(file: string, source: string): Expectations {
  const c = file.endsWith(".py") ? "#" : "\\/\\/";
  const lines = source.split("\n");
  const kind = new RegExp(`${c} @corpus (correct|buggy)`).exec(source)?.[1] as Expectations["kind"] | undefined;
  if (kind === undefined) throw new Error("a corpus program must say `@corpus correct` or `@corpus buggy`");
  const statuses = [...source.matchAll(new RegExp(`${c} @status (\\S+) (\\S+)`, "g"))].map((m) => [m[1], m[2]] as [string, string]);
  const findings: string[] = [];
  lines.forEach((l, i) => {
    for (const m of l.matchAll(new RegExp(`${c} @finding (GL\\d{3})`, "g"))) findings.push(`${m[1]}@${i + 1}`);
  });
  const suppressed: string[] = [];
  const marker = file.endsWith(".py") ? "#" : "//";
  lines.forEach((l, i) => {
    const m = new RegExp(`^${c} gradlens-ignore (GL\\d{3})`).exec(l.slice(Math.max(0, l.indexOf(marker))));
    if (m !== null) suppressed.push(`${m[1]}@${l.trim().startsWith(marker) ? i + 2 : i + 1}`);
  });
  return { kind, statuses, findings, suppressed };
}

let workerPath = "";
let cleanup = () => {};
beforeAll(async () => {
  const built = await buildDist(["worker"]);
  workerPath = join(built.dir, "worker.js");
  cleanup = built.cleanup;
}, 60_000);
afterAll(() => cleanup());

async function check(file: string, timeoutMs = 15_000): Promise<Report> {
  if (file.endsWith(".py")) {
    expect(torchPython, NO_TORCH).not.toBeNull();
    return runCheck(`test/corpus/programs/${file}`, { cwd: repoRoot, python: torchPython!, timeoutMs: 60_000 });
  }
  return runCheck(`test/corpus/programs/${file}`, { workerPath, cwd: repoRoot, timeoutMs });
}

/**
 * The report but its op graph (what the graph panel draws), timings and gradient norms: the norms are
 * read from the engine's .grad, not derived from recorded ops, and differ between any two runs of a
 * program that samples with Math.random (actorCritic.ts).
 */
function withoutGraph(report: Report): unknown {
  const { graph: _graph, durationMs: _duration, ...rest } = report;
  return JSON.parse(JSON.stringify(rest, (key, value: unknown) => (key === "gradNorm" && typeof value === "number" ? "measured" : value)));
}

describe("the corpus of canonical programs and their buggy twins", () => {
  it("has the programs the issue names, and PyTorch twins of the trickiest", () => {
    const named = [
      // the twelve well-known programs
      "dcgan.ts", "mnist.ts", "actorCritic.ts", "wordLanguageModel.ts", "transferLearning.ts", "dqn.ts",
      "distillation.ts", "vqvae.ts", "simsiam.ts", "wganGp.ts", "pix2pix.ts", "glueFinetune.ts",
      // a plain classifier (mnist.ts), an autoencoder, an RNN language model (wordLanguageModel.ts), a policy-gradient agent
      "autoencoder.ts", "reinforce.ts",
      "dcgan.py", "dqn.py", "vqvae.py", "pix2pix.py", "distillation.py",
    ];
    expect(named.filter((f) => !programs.includes(f))).toEqual([]);
  });

  for (const file of programs) {
    it(file, async () => {
      const expected = expectationsOf(file, readFileSync(join(dir, file), "utf8"));
      const report = await check(file);
      expect(report.error).toBeNull();
      const statusOf = (name: string) => expected.statuses.find(([prefix]) => name.startsWith(prefix))?.[1] ?? "updated";
      expect(report.parameters.map((p) => `${p.name}: ${p.status}`)).toEqual(report.parameters.map((p) => `${p.name}: ${statusOf(p.name)}`));
      const problems = report.findings.filter((f) => f.severity !== "info").map((f) => `${f.code}@${f.line}`);
      if (expected.kind === "correct") expect(problems, JSON.stringify(report.findings, null, 1)).toEqual([]);
      else expect([...new Set(problems)].sort()).toEqual([...expected.findings].sort());
      expect((report.suppressed ?? []).map((f) => `${f.code}@${f.line}`)).toEqual(expected.suppressed);
      if (!file.endsWith(".py")) {
        // records an endless loop would repeat are kept 32 times, then counted (src/trace/repeats.ts):
        // dropping every such record from the first on must not change anything the analysis reports
        const dropping = await runCheck(`test/corpus/programs/${file}`, { workerPath, cwd: repoRoot, timeoutMs: 15_000, repeatsKept: 0 });
        expect(withoutGraph(dropping)).toEqual(withoutGraph(report));
      }
    }, 90_000);
  }
});

describe("a two-phase script (train a teacher, then distil a student) is seen through both phases", () => {
  // the student's optimizer is made only after the teacher's training: the stop waits for it (a
  // generous budget: a loaded machine must not reach the 60% share that stops the wait)
  it.each([["distillation.ts", "16, 28"], ["distillation.py", "23, 35"]])("%s", async (file, lines) => {
    const report = await check(file, 60_000);
    expect(report.stopped.reason).toBe("step-budget");
    expect(report.stopped.message).toBe(`stopped before the 2nd optimizer step: all 2 optimizers (made at lines ${lines}) had stepped once (steps = 1)`);
    expect(report.parameters.filter((p) => p.name.startsWith("student.")).map((p) => p.status)).toEqual(Array(4).fill("updated"));
  }, 90_000);
});

describe("a target network written by hand (EMA) is updated, by hand, not frozen", () => {
  // BYOL's momentum target and a timm-style ModelEma: requiresGrad false, no gradient, and their values
  // change every iteration by `mul_(m).add_(online, …)` / `lerp_` under noGrad at that line
  it.each([
    ["byolEma.ts", "target.", 44, "mul_"], ["byolEma.py", "target.", 54, "mul_"],
    ["modelEmaClipWarmup.ts", "ema.", 22, "lerp_"], ["modelEmaClipWarmup.py", "ema.", 28, "lerp_"],
  ])("%s", async (file, prefix, line, op) => {
    const report = await check(file, 60_000);
    const targets = report.parameters.filter((p) => p.name.startsWith(prefix));
    expect(targets.length).toBeGreaterThan(0);
    for (const p of targets) {
      expect(p).toMatchObject({ status: "updated", updated: true, requiresGrad: false, gotGrad: false, optimizers: [], cause: null, updatedByHand: { line } });
      expect(p.note).toBe(`${p.name} gets no gradient; it is updated by hand at ${file}:${line} (${op}, not by an optimizer), e.g. as a moving average of other weights`);
    }
  }, 90_000);
});

describe("zeroGrad() inside the accumulation loop, before backward(), is a GL002 at the clear", () => {
  it.each([["buggyAccumulationZeroGrad.ts", 15, 16, 17], ["buggyAccumulationZeroGrad.py", 16, 17, 19]])("%s", async (file, clear, backward, step) => {
    const report = await check(file, 60_000);
    const [f] = report.findings.filter((x) => x.code === "GL002");
    expect(f.message).toBe(
      `optimizer.zeroGrad() at ${file}:${clear} clears the gradient that backward() at ${file}:${backward} computed for model.0.weight, model.0.bias, model.2.weight and model.2.bias ` +
        `before optimizer.step() at ${file}:${step} used it, so each step applies only the last backward()'s gradient; ` +
        "to accumulate gradients over micro-batches, clear them after step() (or once before the loop), not before each backward()",
    );
    expect(f.related.map((r) => r.line)).toEqual([backward, step]);
  }, 90_000);
});

describe("a target network written through an alias of its memory is updated by hand, on both backends", () => {
  // MoCo's `pk.data.mul_(m).add_(pq.data, …)`, timm's ModelEmaV2 copying into state_dict() values, and
  // the DQN tutorial's soft update through load_state_dict: no gradient, but its values change every
  // iteration at that line (the writes before the first backward() are the copy that starts it)
  it.each([
    ["mocoMomentum.ts", "encoderK.", 29, "mul_", false], ["mocoMomentum.py", "encoder_k.", 32, "mul_", false],
    ["timmModelEmaV2.ts", "modelEma.", 23, "copy_", true], ["timmModelEmaV2.py", "model_ema.", 24, "copy_", true],
    ["dqn.ts", "targetNet.", 43, "loadStateDict", true], ["dqn.py", "target_net.", 53, "load_state_dict", true],
  ])("%s", async (file, prefix, line, op, requiresGrad) => {
    const report = await check(file, 60_000);
    const targets = report.parameters.filter((p) => p.name.startsWith(prefix));
    expect(targets.length).toBeGreaterThan(0);
    for (const p of targets) {
      expect(p).toMatchObject({ status: "updated", updated: true, requiresGrad, gotGrad: false, optimizers: [], cause: null, updatedByHand: { line } });
      expect(p.note).toBe(`${p.name} gets no gradient; it is updated by hand at ${file}:${line} (${op}, not by an optimizer), e.g. as a moving average of other weights`);
    }
  }, 90_000);
});

describe("the FGSM attack's image requires grad but is an input, not a parameter", () => {
  // a new `data` per example with requiresGrad set, its gradient's sign read, no optimizer: listed
  // apart from the model's rows, one entry for the line that makes it
  it.each([["fgsm.ts", 27], ["fgsm.py", 33]])("%s", async (file, line) => {
    const report = await check(file, 60_000);
    expect(report.parameters.map((p) => p.name)).toEqual(["model.conv1.weight", "model.conv1.bias", "model.fc.weight", "model.fc.bias"]);
    expect(report.inputs?.map((i) => [i.name, i.shape, i.count, i.gotGrad, i.site?.line])).toEqual([["data", [1, 1, 14, 14], 3, true, line]]);
  }, 90_000);
});

describe("neural style transfer: the cloned input image is the one tensor LBFGS trains", () => {
  // `input_img = content_img.clone()` made to require grad is a leaf named after its line, and
  // step(closure)'s zeroGrad/backward are the script's own (the .py closure ran inside torch's step)
  it.each([["styleTransfer.ts", "inputImg", 21], ["styleTransfer.py", "input_img", 20]])("%s", async (file, name, backwards) => {
    const report = await check(file, 60_000);
    expect(report.parameters.map((p) => `${p.name}: ${p.status}`)).toEqual([
      "cnn.0.weight: frozen", "cnn.0.bias: frozen", "cnn.2.weight: frozen", "cnn.2.bias: frozen", `${name}: updated`,
    ]);
    expect(report.parameters[4]).toMatchObject({ gotGrad: true, optimizers: ["optimizer"], module: null });
    expect(report.backwards).toHaveLength(backwards);
  }, 90_000);
});
