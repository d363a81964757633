import { describe, it, expect, afterEach } from "vitest";
import { nn, optim, tensor, randn } from "gradlens";
import { setObserver, type EngineEvent } from "../../../src/engine/observer";

// Optimizer bookkeeping: param groups and defaults, PyTorch's errors, zeroGrad, null grads skipped,
// state dicts, observer events.

afterEach(() => {
  setObserver(null);
});

describe("Optimizer", () => {
  it("fills each group from the defaults and accepts any iterable of tensors", () => {
    const a = new nn.Linear(2, 2), b = new nn.Linear(2, 1);
    const opt = new optim.SGD([{ params: a.parameters() }, { params: b.parameters(), lr: 0, momentum: 0.5 }], { lr: 0.1, momentum: 0.9 });
    expect(opt.paramGroups.map((g) => [g.params.length, g.lr, g.momentum])).toEqual([[2, 0.1, 0.9], [2, 0, 0.5]]);
    expect(opt.defaults.lr).toBe(0.1);
    opt.addParamGroup({ params: new nn.Linear(1, 1).weight });
    expect(opt.paramGroups[2].params.length).toBe(1);
    expect(new optim.Adam(new Set(a.parameters())).paramGroups[0].betas).toEqual([0.9, 0.999]);
  });

  it("raises PyTorch's errors", () => {
    const lin = new nn.Linear(2, 2);
    expect(() => new optim.SGD([])).toThrow("optimizer got an empty parameter list");
    expect(() => new optim.SGD([{ params: lin.parameters() }, { params: [lin.weight] }])).toThrow(
      "some parameters appear in more than one parameter group",
    );
    const opt = new optim.SGD(lin.parameters(), { lr: 0.1 });
    expect(() => opt.addParamGroup({ params: [lin.bias!] })).toThrow("some parameters appear in more than one parameter group");
    expect(() => new optim.SGD(lin.weight as never)).toThrow(
      "params argument given to the optimizer should be an iterable of Tensors or dicts, but got torch.FloatTensor",
    );
    expect(() => new optim.SGD([lin.weight.mul(2)])).toThrow("can't optimize a non-leaf Tensor");
    expect(() => new optim.SGD([lin.weight], { lr: -1 })).toThrow("Invalid learning rate: -1");
    expect(() => new optim.SGD([lin.weight], { nesterov: true })).toThrow("Nesterov momentum requires a momentum and zero dampening");
  });

  it("skips parameters whose grad is null; lr 0 leaves values unchanged", () => {
    const p = tensor([1, 2], { requiresGrad: true }), q = tensor([3, 4], { requiresGrad: true });
    const opt = new optim.SGD([{ params: [p] }, { params: [q], lr: 0 }], { lr: 0.5, momentum: 0.9 });
    q.grad = tensor([1, 1]);
    opt.step();
    expect(p.tolist()).toEqual([1, 2]);
    expect(q.tolist()).toEqual([3, 4]);
    expect(opt.state.has(p)).toBe(false);
    p.grad = tensor([1, -1]);
    opt.step();
    expect(p.tolist()).toEqual([0.5, 2.5]);
  });

  it("zeroGrad: null by default (PyTorch 2.x), zeros in place with setToNone false", () => {
    const p = tensor([1, 2], { requiresGrad: true });
    const opt = new optim.Adam([p]);
    p.grad = tensor([3, 4]);
    const g = p.grad;
    opt.zeroGrad({ setToNone: false });
    expect(p.grad).toBe(g);
    expect(g.tolist()).toEqual([0, 0]);
    opt.zeroGrad();
    expect(p.grad).toBeNull();
  });

  it("updates bump the parameter's version, so a graph that saved it fails as in PyTorch", () => {
    const w = tensor([2], { requiresGrad: true });
    const x = tensor([3], { requiresGrad: true });
    const y = w.mul(x);
    w.grad = tensor([1]);
    new optim.SGD([w], { lr: 0.1 }).step();
    expect(() => y.backward()).toThrow(/modified by an inplace operation/);
  });

  it("stateDict / loadStateDict carry momentum buffers and hyper-parameters", () => {
    const p1 = tensor([1, 2, 3], { requiresGrad: true });
    const o1 = new optim.SGD([p1], { lr: 0.1, momentum: 0.9 });
    for (let i = 0; i < 2; i++) {
      p1.grad = tensor([1, 0.5, -1]);
      o1.step();
    }
    const sd = o1.stateDict();
    expect(sd.paramGroups).toEqual([{ lr: 0.1, momentum: 0.9, dampening: 0, weightDecay: 0, nesterov: false, maximize: false, params: [0] }]);
    expect(sd.state[0].momentumBuffer).toBeDefined();
    // a fresh optimizer on a copy of the parameter continues exactly where o1 is
    const p2 = tensor(p1.tolist() as number[], { requiresGrad: true });
    const o2 = new optim.SGD([p2], { lr: 1, momentum: 0.9 });
    o2.loadStateDict(sd);
    expect(o2.paramGroups[0].lr).toBe(0.1);
    p1.grad = tensor([1, 0.5, -1]);
    p2.grad = tensor([1, 0.5, -1]);
    o1.step();
    o2.step();
    expect(p2.tolist()).toEqual(p1.tolist());
  });

  it("emits optimizer-created, param-group-added, zero-grad and optimizer-step events", () => {
    const events: EngineEvent[] = [];
    setObserver({ onEvent: (e) => events.push(e) });
    const p = randn(2, { requiresGrad: true });
    const opt = new optim.SGD([p], { lr: 0.1 });
    opt.zeroGrad();
    p.grad = randn(2);
    opt.step();
    // the hand-written `p.grad = ...` is the user's (grad-set); zeroGrad and step write .grad silently
    expect(events.map((e) => e.kind)).toEqual(["optimizer-created", "param-group-added", "zero-grad", "grad-set", "optimizer-step", "optimizer-step"]);
    expect(events.filter((e) => e.kind === "optimizer-step").map((e) => (e as { phase: string }).phase)).toEqual(["before", "after"]);
    expect((events[1] as { group: unknown }).group).toBe(opt.paramGroups[0]);
  });
});
