// The training-code rule (src/static/trainingCode.ts): which sites lie in code that trains.
import { describe, expect, it } from "vitest";
import { scanSource } from "../../src/static";

const detachLines = (text: string) =>
  scanSource(text, "model.ts")
    .sites.filter((s) => s.kind === "detach")
    .map((s) => [s.line, s.inTrainingCode]);

describe("training code", () => {
  it("an evaluation function nobody calls from training is not training code; a forward called from the loop is", () => {
    const text = [
      /* 1 */ 'import { nn, optim } from "gradlens";',
      /* 2 */ "class Gen extends nn.Module {",
      /* 3 */ "  fc1 = new nn.Linear(2, 4);",
      /* 4 */ "  forward(x) {",
      /* 5 */ "    return this.fc1.forward(x).detach();",
      /* 6 */ "  }",
      /* 7 */ "}",
      /* 8 */ "function evaluate(model, x) {",
      /* 9 */ "  return model.predict(x).detach();",
      /* 10 */ "}",
      /* 11 */ "function train(G, opt) {",
      /* 12 */ "  for (let i = 0; i < 10; i++) {",
      /* 13 */ "    const fake = G.forward(z);",
      /* 14 */ "    fake.sum().backward();",
      /* 15 */ "    opt.step();",
      /* 16 */ "  }",
      /* 17 */ "}",
      /* 18 */ "train(new Gen(), opt);",
      /* 19 */ "console.log(evaluate(g, x));",
    ].join("\n");
    expect(detachLines(text)).toEqual([
      [5, true],
      [9, false],
    ]);
    const units = scanSource(text, "model.ts").trainingUnits;
    expect(units.map((u) => [u.name, u.direct, u.line, u.endLine])).toEqual([
      ["forward", false, 4, 6],
      ["train", true, 11, 17],
    ]);
  });

  it("a top-level training script is training code, and so is what it calls", () => {
    const text = [
      /* 1 */ "const helper = (t) => t.detach();",
      /* 2 */ "function unused(t) { return t.detach(); }",
      /* 3 */ "const x0 = x.detach();",
      /* 4 */ "for (const batch of data) {",
      /* 5 */ "  const h = helper(batch);",
      /* 6 */ "  loss.backward();",
      /* 7 */ "}",
    ].join("\n");
    expect(detachLines(text)).toEqual([
      [1, true],
      [2, false],
      [3, true],
    ]);
    expect(scanSource(text, "a.ts").trainingUnits.map((u) => [u.name, u.direct, u.line, u.column, u.endLine, u.endColumn])).toEqual([
      ["<top level>", true, 1, 1, 7, 2],
      ["helper", false, 1, 16, 1, 33],
    ]);
  });

  it("top-level code without backward or step is not training code", () => {
    expect(detachLines("const y = x.detach();\nfunction train() { loss.backward(); }")).toEqual([[1, false]]);
  });

  it("spreads transitively through this.method(), obj.method() and constructors", () => {
    const text = [
      /* 1 */ "class Trainer {",
      /* 2 */ "  fit() { for (const b of this.data) { this.trainStep(b); } }",
      /* 3 */ "  trainStep(b) { const t = this.prep(b); t.loss.backward(); }",
      /* 4 */ "  prep(b) { return tools.encode(b); }",
      /* 5 */ "  report(b) { return b.detach(); }",
      /* 6 */ "}",
      /* 7 */ "const tools = { encode(b) { return new Encoder().run(b.detach()); } };",
      /* 8 */ "class Encoder { cache = seed.detach(); run(b) { return b; } }",
    ].join("\n");
    expect(detachLines(text)).toEqual([
      [5, false],
      [7, true],
      [8, true],
    ]);
  });

  it("callbacks belong to the function they are written in, both ways", () => {
    const text = [
      /* 1 */ 'import { noGrad } from "gradlens";',
      /* 2 */ "function train() {",
      /* 3 */ "  const ref = noGrad(() => teacher.forward(x).detach());",
      /* 4 */ "  batches.forEach((b) => { model.forward(b).backward(); });",
      /* 5 */ "}",
      /* 6 */ "async function validate() {",
      /* 7 */ "  await noGrad(async () => { model.forward(v).detach(); });",
      /* 8 */ "}",
      /* 9 */ "validate();",
    ].join("\n");
    expect(detachLines(text)).toEqual([
      [3, true],
      [7, false],
    ]);
    const sites = scanSource(text, "a.ts").sites.filter((s) => s.kind === "no-grad");
    expect(sites.map((s) => [s.line, s.inTrainingCode])).toEqual([
      [3, true],
      [7, false],
    ]);
  });

  it("a function passed by name is treated as called", () => {
    const text = [
      "function clip(p) { p.grad = p.grad.detach(); }",
      "function train() { params.forEach(clip); opt.step(); }",
    ].join("\n");
    expect(detachLines(text)).toEqual([[1, true]]);
  });

  it("a variable passed as an argument does not reach a method that shares its name", () => {
    const text = [
      "class D { features(x) { return x.detach(); } }",
      "function train() { const features = body(x); head.forward(features).backward(); }",
      "class T { clip(p) { p.detach_(); } run() { ps.forEach(this.clip); opt.step(); } }",
    ].join("\n");
    const sites = scanSource(text, "a.ts").sites.filter((s) => s.kind === "detach" || s.kind === "detach_");
    expect(sites.map((s) => [s.kind, s.line, s.inTrainingCode])).toEqual([
      ["detach", 1, false],
      ["detach_", 3, true],
    ]);
  });

  it("a named arrow in a training function is its own unit: training only when called", () => {
    const text = [
      "function train() {",
      "  const debug = () => x.detach();",
      "  const used = () => y.detach();",
      "  used();",
      "  loss.backward();",
      "}",
    ].join("\n");
    expect(detachLines(text)).toEqual([
      [2, false],
      [3, true],
    ]);
  });

  it("scheduler-style step() also makes training code; zeroGrad alone does not", () => {
    expect(detachLines("function a() { sched.step(); x.detach(); }\nfunction b() { opt.zeroGrad(); y.detach(); }")).toEqual([
      [1, true],
      [2, false],
    ]);
  });
});
