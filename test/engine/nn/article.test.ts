import { describe, it, expect } from "vitest";
import { nn, noGrad, optim } from "gradlens";
import { expectClose, fromJson, loadFixture, type JsonTensor } from "./torchFixtures";

// The article's nn scenarios (test/fixtures/torch/article.json): the chain of four Linear(2, 2) with
// detach / frozen / noGrad, and the optimizer subset and param-group (lr 0) cases.

const { cases } = loadFixture("article");
const byName = (name: string) => cases.find((c) => c.name === name)!;
type Params = Record<string, Record<string, JsonTensor>>;
type Grads = Record<string, Record<string, JsonTensor | null>>;

function linear(params: Record<string, JsonTensor>): nn.Linear {
  const [outF, inF] = params.weight.shape;
  const m = new nn.Linear(inF, outF, { dtype: "float64" });
  m.loadStateDict({ weight: fromJson(params.weight, false), bias: fromJson(params.bias, false) });
  return m;
}

function runChain(variant: string) {
  const c = cases.find((x) => x.name === `linear_chain_${variant}`)!;
  const lins = ["lin0", "lin1", "lin2", "lin3"].map((n) => linear((c.params as Params)[n]));
  const [lin0, lin1, lin2, lin3] = lins;
  if (variant === "lin2_frozen") lin2.requiresGrad_(false);
  const x = fromJson(c.x);
  const x1 = lin0.forward(x);
  let x2 = variant === "lin1_no_grad" ? noGrad(() => lin1.forward(x1)) : lin1.forward(x1);
  if (variant === "detach_after_lin1") x2 = x2.detach();
  const x4 = lin3.forward(lin2.forward(x2));
  x4.sum().backward();
  const grads = c.grads as Grads & { x: JsonTensor | null };
  expectClose(x.grad, grads.x, 1e-10, 1e-12, "x.grad");
  lins.forEach((lin, i) => {
    expectClose(lin.weight.grad, grads[`lin${i}`].weight, 1e-10, 1e-12, `lin${i}.weight.grad`);
    expectClose(lin.bias!.grad, grads[`lin${i}`].bias, 1e-10, 1e-12, `lin${i}.bias.grad`);
  });
  return lins.map((l) => l.weight.grad !== null);
}

describe("the article's Linear chain", () => {
  it("plain: every layer gets a gradient", () => {
    expect(runChain("plain")).toEqual([true, true, true, true]);
  });
  it("x2 = x2.detach() after lin1: lin0/lin1 grads null, lin2/lin3 not", () => {
    expect(runChain("detach_after_lin1")).toEqual([false, false, true, true]);
  });
  it("lin2.requiresGrad_(false): lin0, lin1, lin3 get grads, lin2 null", () => {
    expect(runChain("lin2_frozen")).toEqual([true, true, false, true]);
  });
  it("lin1 inside noGrad: lin0, lin1 null; lin2, lin3 not", () => {
    expect(runChain("lin1_no_grad")).toEqual([false, false, true, true]);
  });
});

function models(c: { params: Params }) {
  return { model1: linear(c.params.model1), model2: linear(c.params.model2), fc: linear(c.params.fc) };
}

function expectParams(ms: Record<string, nn.Linear>, expected: Params, what: string) {
  for (const [name, m] of Object.entries(ms)) {
    expectClose(m.weight, expected[name].weight, 1e-10, 1e-12, `${what} ${name}.weight`);
    expectClose(m.bias, expected[name].bias, 1e-10, 1e-12, `${what} ${name}.bias`);
  }
}

describe("the article's optimizer cases", () => {
  it("an SGD over fc and model2 only leaves model1 unchanged after step()", () => {
    const c = byName("optimizer_subset");
    const ms = models(c);
    const before = ms.model1.weight.tolist();
    const opt = new optim.SGD([...ms.fc.parameters(), ...ms.model2.parameters()], { lr: 1e-2, momentum: 0.9 });
    opt.zeroGrad();
    const loss = ms.fc.forward(ms.model2.forward(ms.model1.forward(fromJson(c.x)))).sum();
    expectClose(loss, c.loss, 1e-10, 1e-12, "loss");
    loss.backward();
    expect(ms.model1.weight.grad).not.toBeNull();
    opt.step();
    expect(ms.model1.weight.tolist()).toEqual(before);
    expectParams(ms, (c.paramsAfter as Params[])[0], "after step");
  });

  it("param groups with lr 0 for model2 and fc change only model1 (two iterations)", () => {
    const c = byName("optimizer_param_groups");
    const ms = models(c);
    const opt = new optim.SGD(
      [{ params: ms.model1.parameters() }, { params: ms.model2.parameters(), lr: 0 }, { params: ms.fc.parameters(), lr: 0 }],
      { lr: 1e-2, momentum: 0.9 },
    );
    expect(opt.paramGroups.map((g) => g.lr)).toEqual([1e-2, 0, 0]);
    for (let step = 0; step < 2; step++) {
      opt.zeroGrad();
      const loss = ms.fc.forward(ms.model2.forward(ms.model1.forward(fromJson(c.x)))).sum();
      expectClose(loss, (c.losses as JsonTensor[])[step], 1e-10, 1e-12, `loss ${step}`);
      loss.backward();
      const grads = (c.grads as Grads[])[step];
      for (const [name, m] of Object.entries(ms)) expectClose(m.weight.grad, grads[name].weight, 1e-10, 1e-12, `${name}.weight.grad`);
      opt.step();
      expectParams(ms, (c.paramsAfter as Params[])[step], `after step ${step + 1}`);
    }
    expectParams({ model2: ms.model2, fc: ms.fc }, c.params as Params, "lr-0 groups unchanged");
  });
});
