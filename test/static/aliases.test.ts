// Engine names are resolved from the file's own imports of "gradlens": aliases, namespaces, require.
import { describe, expect, it } from "vitest";
import { scanSource } from "../../src/static";

const summary = (text: string, fileName = "a.ts") =>
  scanSource(text, fileName).sites.map((s) => [s.kind, s.line, s.column, s.kind === "optimizer" ? s.className : null]);

describe("engine aliases", () => {
  it("namespace import: gl.noGrad, gl.optim.SGD, gl.setGradEnabled, gl.enableGrad", () => {
    const text = [
      'import * as gl from "gradlens";',
      "const opt = new gl.optim.SGD(m.parameters(), { lr: 0.1 });",
      "gl.noGrad(() => m.forward(x));",
      "gl.setGradEnabled(false);",
      "gl.enableGrad(() => 1);",
    ].join("\n");
    expect(summary(text)).toEqual([
      ["optimizer", 2, 13, "SGD"],
      ["no-grad", 3, 1, null],
      ["set-grad-enabled-false", 4, 1, null],
      ["enable-grad", 5, 1, null],
    ]);
    expect(scanSource(text, "a.ts").imports).toEqual({ gl: "*" });
  });

  it("renamed imports: noGrad as ng, optim as o, Adam as A", () => {
    const text = [
      'import { noGrad as ng, optim as o, Adam as A } from "gradlens";',
      "ng(() => f(x));",
      "const a = new o.RMSprop(ps);",
      "const b = new A(ps);",
      "noGrad(() => f(x));", // the real name is not in scope: not the engine's
    ].join("\n");
    expect(summary(text)).toEqual([
      ["no-grad", 2, 1, null],
      ["optimizer", 3, 11, "RMSprop"],
      ["optimizer", 4, 11, "Adam"],
    ]);
    expect(scanSource(text, "a.ts").imports).toEqual({ ng: "noGrad", o: "optim", A: "Adam" });
  });

  it("names from other modules are not the engine's when the file imports the engine", () => {
    const text = [
      'import { nn } from "gradlens";',
      'import { noGrad, optim } from "./mylib";',
      "noGrad(() => f(x));",
      "const o = new optim.SGD(ps);",
      "x.detach();",
    ].join("\n");
    expect(summary(text)).toEqual([["detach", 5, 1, null]]);
  });

  it("files without any engine import use the API's own names", () => {
    expect(summary('import { noGrad } from "../src/engine";\nnoGrad(() => 1);\nnew optim.Adam(ps);')).toEqual([
      ["no-grad", 2, 1, null],
      ["optimizer", 3, 1, "Adam"],
    ]);
  });

  it("extra engine modules can be named in the options", () => {
    const text = 'import { noGrad as ng } from "../src/engine";\nng(() => 1);';
    expect(scanSource(text, "a.ts").sites).toEqual([]);
    expect(scanSource(text, "a.ts", { engineModules: ["../src/engine"] }).sites.map((s) => s.kind)).toEqual(["no-grad"]);
  });

  it("require in .js and .cts files, whole or destructured", () => {
    const js = [
      'const gl = require("gradlens");',
      'const { noGrad: ng, optim } = require("gradlens");',
      "ng(() => 1);",
      "new optim.AdamW(ps);",
      "gl.setGradEnabled(false);",
    ].join("\n");
    expect(summary(js, "train.js")).toEqual([
      ["no-grad", 3, 1, null],
      ["optimizer", 4, 1, "AdamW"],
      ["set-grad-enabled-false", 5, 1, null],
    ]);
    expect(summary('import gl = require("gradlens");\ngl.noGrad(() => 1);', "train.cts")).toEqual([["no-grad", 2, 1, null]]);
  });

  it("subpath imports and custom optimizers under optim", () => {
    expect(summary('import { optim } from "gradlens/optim";\nnew optim.Lion(ps);\nnew optim.Optimizer(ps);')).toEqual([
      ["optimizer", 2, 1, "Lion"],
    ]);
  });

  it(".mts files parse like .ts", () => {
    expect(summary('import { noGrad } from "gradlens";\nnoGrad((): void => {});', "m.mts")).toEqual([["no-grad", 2, 1, null]]);
  });
});
