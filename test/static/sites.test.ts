// One test per site kind, with exact 1-based positions. The fixture is written line by line so
// the line numbers in the assertions can be read off the array index (+1).
import { describe, expect, it } from "vitest";
import { scanSource, type StaticSite } from "../../src/static";

const source = [
  /* 1 */ 'import { noGrad, enableGrad, setGradEnabled, optim, SGD } from "gradlens";',
  /* 2 */ "const opt = new optim.SGD(model.parameters(), { lr: 0.01, momentum: 0.9 });",
  /* 3 */ "const optD = new optim.Adam([{ params: D.parameters() }, { params: head.parameters(), lr: 0 }], { lr: 1e-3 });",
  /* 4 */ "const plain = new SGD(net.parameters());",
  /* 5 */ "for (let epoch = 0; epoch < 10; epoch++) {",
  /* 6 */ "  opt.zeroGrad();",
  /* 7 */ "  const fake = G.forward(z);",
  /* 8 */ "  const dOut = D.forward(fake.detach());",
  /* 9 */ "  h.detach_();",
  /* 10 */ "  loss.backward();",
  /* 11 */ "  opt.step();",
  /* 12 */ "}",
  /* 13 */ "noGrad(() => {",
  /* 14 */ "  const y = lin1.forward(x);",
  /* 15 */ "});",
  /* 16 */ "const y2 = noGrad(() => lin1.forward(x2));",
  /* 17 */ "setGradEnabled(false);",
  /* 18 */ "const frozen = lin0.forward(x);",
  /* 19 */ "setGradEnabled(true);",
  /* 20 */ "lin2.weight.requiresGrad = false;",
  /* 21 */ "model.backbone.requiresGrad_(false);",
  /* 22 */ "model.head.requiresGrad_();",
  /* 23 */ "for (const p of backbone.parameters()) p.requiresGrad = false;",
  /* 24 */ "enableGrad(() => {",
  /* 25 */ "  w.requiresGrad_(true);",
  /* 26 */ "});",
  /* 27 */ "loss2.backward({ retainGraph: true });",
  /* 28 */ "model.zeroGrad({ setToNone: false });",
].join("\n");

const scan = scanSource(source, "train.ts");
const ofKind = <K extends StaticSite["kind"]>(kind: K) =>
  scan.sites.filter((s): s is Extract<StaticSite, { kind: K }> => s.kind === kind);

describe("scanSource: one site per kind", () => {
  it("detach: range of the call, anchor on the method name, receiver text", () => {
    expect(ofKind("detach")).toEqual([
      {
        kind: "detach",
        line: 8,
        column: 26,
        endLine: 8,
        endColumn: 39,
        anchorLine: 8,
        anchorColumn: 31,
        receiver: "fake",
        inTrainingCode: true,
      },
    ]);
  });

  it("detach_", () => {
    expect(ofKind("detach_")).toMatchObject([
      { line: 9, column: 3, endLine: 9, endColumn: 14, anchorColumn: 5, receiver: "h" },
    ]);
  });

  it("no-grad: the callback body is the region, block or expression body", () => {
    expect(ofKind("no-grad")).toEqual([
      {
        kind: "no-grad",
        line: 13,
        column: 1,
        endLine: 15,
        endColumn: 3,
        anchorLine: 13,
        anchorColumn: 1,
        receiver: null,
        inTrainingCode: true,
        region: { line: 13, column: 14, endLine: 15, endColumn: 2 },
      },
      {
        kind: "no-grad",
        line: 16,
        column: 12,
        endLine: 16,
        endColumn: 42,
        anchorLine: 16,
        anchorColumn: 12,
        receiver: null,
        inTrainingCode: true,
        region: { line: 16, column: 25, endLine: 16, endColumn: 41 },
      },
    ]);
  });

  it("set-grad-enabled-false: region runs to the next setGradEnabled(true)", () => {
    expect(ofKind("set-grad-enabled-false")).toMatchObject([
      {
        line: 17,
        column: 1,
        endLine: 17,
        endColumn: 22,
        region: { line: 17, column: 1, endLine: 19, endColumn: 22 },
      },
    ]);
  });

  it("enable-grad, with its callback region", () => {
    expect(ofKind("enable-grad")).toMatchObject([
      { line: 24, column: 1, endLine: 26, endColumn: 3, region: { line: 24, column: 18, endLine: 26, endColumn: 2 } },
    ]);
  });

  it("requires-grad-false: assignment, requiresGrad_(false), loop variable; not requiresGrad_() or (true)", () => {
    expect(ofKind("requires-grad-false")).toEqual([
      {
        kind: "requires-grad-false",
        line: 20,
        column: 1,
        endLine: 20,
        endColumn: 33,
        anchorLine: 20,
        anchorColumn: 26,
        receiver: "lin2.weight",
        inTrainingCode: true,
        form: "assignment",
        iterates: null,
      },
      {
        kind: "requires-grad-false",
        line: 21,
        column: 1,
        endLine: 21,
        endColumn: 36,
        anchorLine: 21,
        anchorColumn: 16,
        receiver: "model.backbone",
        inTrainingCode: true,
        form: "method",
        iterates: null,
      },
      {
        kind: "requires-grad-false",
        line: 23,
        column: 40,
        endLine: 23,
        endColumn: 62,
        anchorLine: 23,
        anchorColumn: 55,
        receiver: "p",
        inTrainingCode: true,
        form: "assignment",
        iterates: "backbone.parameters()",
      },
    ]);
  });

  it("backward, with and without retainGraph", () => {
    expect(ofKind("backward")).toMatchObject([
      { line: 10, column: 3, endColumn: 18, anchorColumn: 8, receiver: "loss", retainGraph: false },
      { line: 27, column: 1, endColumn: 38, anchorColumn: 7, receiver: "loss2", retainGraph: true },
    ]);
  });

  it("optimizer: class name, variable, default lr and groups with their own lr", () => {
    expect(ofKind("optimizer")).toEqual([
      {
        kind: "optimizer",
        line: 2,
        column: 13,
        endLine: 2,
        endColumn: 75,
        anchorLine: 2,
        anchorColumn: 13,
        receiver: "opt",
        inTrainingCode: true,
        className: "SGD",
        variable: "opt",
        lr: 0.01,
        groups: [{ params: "model.parameters()", lr: null, line: 2, column: 27 }],
      },
      {
        kind: "optimizer",
        line: 3,
        column: 14,
        endLine: 3,
        endColumn: 110,
        anchorLine: 3,
        anchorColumn: 14,
        receiver: "optD",
        inTrainingCode: true,
        className: "Adam",
        variable: "optD",
        lr: 0.001,
        groups: [
          { params: "D.parameters()", lr: null, line: 3, column: 30 },
          { params: "head.parameters()", lr: 0, line: 3, column: 58 },
        ],
      },
      {
        kind: "optimizer",
        line: 4,
        column: 15,
        endLine: 4,
        endColumn: 40,
        anchorLine: 4,
        anchorColumn: 15,
        receiver: "plain",
        inTrainingCode: true,
        className: "SGD",
        variable: "plain",
        lr: null,
        groups: [{ params: "net.parameters()", lr: null, line: 4, column: 23 }],
      },
    ]);
  });

  it("step", () => {
    expect(ofKind("step")).toMatchObject([{ line: 11, column: 3, endColumn: 13, anchorColumn: 7, receiver: "opt" }]);
  });

  it("zero-grad: on an optimizer and on a model, with options", () => {
    expect(ofKind("zero-grad")).toMatchObject([
      { line: 6, column: 3, endColumn: 17, anchorColumn: 7, receiver: "opt" },
      { line: 28, column: 1, endColumn: 37, anchorColumn: 7, receiver: "model" },
    ]);
  });

  it("sites come in source order and nothing else is reported", () => {
    expect(scan.sites.map((s) => `${s.line}:${s.kind}`)).toEqual([
      "2:optimizer",
      "3:optimizer",
      "4:optimizer",
      "6:zero-grad",
      "8:detach",
      "9:detach_",
      "10:backward",
      "11:step",
      "13:no-grad",
      "16:no-grad",
      "17:set-grad-enabled-false",
      "20:requires-grad-false",
      "21:requires-grad-false",
      "23:requires-grad-false",
      "24:enable-grad",
      "27:backward",
      "28:zero-grad",
    ]);
    expect(scan.syntaxErrors).toEqual([]);
  });
});

describe("scanSource: site details", () => {
  it("anchors follow V8: `new` for constructions, the property for namespaced calls", () => {
    const s = scanSource('import * as gl from "gradlens";\nconst o = new gl.optim.SGD(ps);\ngl.noGrad(() => 1);', "a.ts");
    expect(s.sites.map((x) => [x.kind, x.anchorLine, x.anchorColumn])).toEqual([
      ["optimizer", 2, 11],
      ["no-grad", 3, 4],
    ]);
  });

  it("receivers of multi-line chains lose their line breaks", () => {
    const s = scanSource("const y = this.fc1\n  .forward(x)\n  .relu()\n  .detach();", "a.ts");
    expect(s.sites).toMatchObject([
      { kind: "detach", line: 1, column: 11, endLine: 4, endColumn: 12, anchorLine: 4, anchorColumn: 4, receiver: "this.fc1.forward(x).relu()" },
    ]);
  });

  it("optimizer variables: class fields and this-assignments", () => {
    const s = scanSource(
      [
        'import { optim } from "gradlens";',
        "class Trainer {",
        "  opt = new optim.AdamW(this.model.parameters());",
        "  constructor() { this.sched = new optim.RMSprop(ps, { lr: -1 }); }",
        "}",
        "makeOpt(new optim.SGD(ps));",
      ].join("\n"),
      "a.ts",
    );
    expect(s.sites.map((x) => x.kind === "optimizer" && [x.className, x.variable, x.lr])).toEqual([
      ["AdamW", "this.opt", null],
      ["RMSprop", "this.sched", -1],
      ["SGD", null, null],
    ]);
  });

  it("setGradEnabled(false) without a restore runs to the block's last statement; a try/finally restore ends it", () => {
    const s = scanSource(
      [
        'import { setGradEnabled, isGradEnabled } from "gradlens";',
        "function evaluate() {",
        "  setGradEnabled(false);",
        "  const a = f(x);",
        "  return a;",
        "}",
        "function guarded() {",
        "  const prev = isGradEnabled();",
        "  setGradEnabled(false);",
        "  try {",
        "    g(x);",
        "  } finally {",
        "    setGradEnabled(prev);",
        "  }",
        "  h(x);",
        "}",
      ].join("\n"),
      "a.ts",
    );
    expect(s.sites.map((x) => x.kind === "set-grad-enabled-false" && x.region)).toEqual([
      { line: 3, column: 3, endLine: 5, endColumn: 12 },
      { line: 9, column: 3, endLine: 14, endColumn: 4 },
    ]);
  });

  it("noGrad(fn) with a function declared in the file: the function body is the region", () => {
    const s = scanSource(
      ['import { noGrad } from "gradlens";', "function evaluate() {", "  return net.forward(x);", "}", "noGrad(evaluate);", "noGrad(imported);"].join("\n"),
      "a.ts",
    );
    expect(s.sites.map((x) => x.kind === "no-grad" && x.region)).toEqual([{ line: 2, column: 21, endLine: 4, endColumn: 2 }, null]);
  });

  it("requiresGrad_(false) on a forEach callback parameter names the iterated expression", () => {
    const s = scanSource("enc.parameters().forEach((p) => p.requiresGrad_(false));", "a.ts");
    expect(s.sites).toMatchObject([{ kind: "requires-grad-false", receiver: "p", iterates: "enc.parameters()", form: "method" }]);
  });

  it("methods inherited from Object are not mistaken for sites", () => {
    expect(scanSource('x.toString();\ny.constructor();\nz.hasOwnProperty("a");\nw.valueOf();', "a.ts").sites).toEqual([]);
  });

  it("requiresGrad assignments of anything but the literal false are not cuts", () => {
    const s = scanSource("a.requiresGrad = true;\nb.requiresGrad = flag;\nc.requiresGrad == false;", "a.ts");
    expect(s.sites).toEqual([]);
  });
});
