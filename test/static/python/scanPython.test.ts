import { beforeAll, describe, expect, it } from "vitest";
import { readFileSync } from "node:fs";
import { loadPythonGrammar, scanPythonSource } from "../../../src/static/python";
import type { StaticScan } from "../../../src/static/types";
import { grammarBytes } from "./grammarBytes";

beforeAll(async () => {
  await loadPythonGrammar(grammarBytes);
});

const kinds = (scan: StaticScan) => scan.sites.map((s) => `${s.kind}@${s.line}:${s.column}${s.inTrainingCode ? " train" : ""}`);

describe("scanPythonSource: the static sites of a PyTorch script", () => {
  it("finds the GAN's detach, optimizers, zero_grad, backward and step, anchored at the call's start", () => {
    const scan = scanPythonSource(readFileSync("examples/python/gan.py", "utf8"), "gan.py");
    expect(kinds(scan)).toEqual([
      // the script trains at its top level, so all of it is training code (as for a .ts script)
      "optimizer@8:8 train", "optimizer@9:8 train",
      "zero-grad@19:5 train", "detach@20:55 train", "backward@21:5 train", "step@22:5 train",
      "zero-grad@25:5 train", "backward@27:5 train", "step@28:5 train",
    ]);
    const optD = scan.sites.find((s) => s.kind === "optimizer" && s.variable === "optD");
    expect(optD).toMatchObject({ className: "Adam", lr: 1e-3, groups: [{ params: "D.parameters()", lr: null }], receiver: "optD" });
    expect(scan.sites.find((s) => s.kind === "detach")).toMatchObject({ receiver: "fake", endLine: 20, endColumn: 68 });
    expect(scan.trainingUnits).toEqual([{ name: "<top level>", direct: true, line: 1, column: 1, endLine: 31, endColumn: 1 }]);
    expect(scan.syntaxErrors).toEqual([]);
  });

  it("finds no_grad regions (with and decorator), set_grad_enabled(False) and the requires_grad forms", () => {
    const source = [
      "import torch",
      "@torch.no_grad()",
      "def evaluate(model, x):",
      "    return model(x)",
      "for p in backbone.parameters():",
      "    p.requires_grad = False",
      "head.requires_grad_(False)",
      "head.requires_grad_(True)",
      "with torch.set_grad_enabled(False):",
      "    y = f(x)",
      "with torch.inference_mode(mode=False):",
      "    y = f(x)",
      "opt = torch.optim.SGD([{'params': a.parameters()}, {'params': b.parameters(), 'lr': 0}], lr=1e-2, momentum=0.9)",
      "sched.step()",
      "loss.backward(retain_graph=True)",
    ].join("\n");
    const scan = scanPythonSource(source, "t.py");
    expect(kinds(scan)).toEqual([
      "no-grad@2:2 train", "requires-grad-false@6:5 train", "requires-grad-false@7:1 train", "set-grad-enabled-false@9:6 train", "optimizer@13:7 train",
      "backward@15:1 train",
    ]);
    expect(scan.sites[0]).toMatchObject({ receiver: "torch", region: { line: 4, column: 5, endLine: 4, endColumn: 20 } });
    expect(scan.sites[1]).toMatchObject({ form: "assignment", receiver: "p", iterates: "backbone.parameters()" });
    expect(scan.sites[2]).toMatchObject({ form: "method", receiver: "head", iterates: null });
    expect(scan.sites[3]).toMatchObject({ region: { line: 10, column: 5 } });
    expect(scan.sites[4]).toMatchObject({
      className: "SGD", variable: "opt", lr: 1e-2,
      groups: [{ params: "a.parameters()", lr: null }, { params: "b.parameters()", lr: 0 }],
    });
    expect(scan.sites[5]).toMatchObject({ retainGraph: true, receiver: "loss" });
  });

  it("reports a syntax error and keeps what it recovered", () => {
    const scan = scanPythonSource(readFileSync("examples/python/syntax-error.py", "utf8"), "syntax-error.py");
    expect(scan.syntaxErrors.length).toBeGreaterThan(0);
    expect(scan.syntaxErrors[0].line).toBe(5);
  });
});
