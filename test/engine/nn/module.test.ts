import { describe, it, expect, afterEach } from "vitest";
import { nn, F, manualSeed, randn, tensor, zeros, type Tensor } from "gradlens";
import { setObserver, type EngineEvent } from "../../../src/engine/observer";

// nn.Module's bookkeeping: registration order (class fields and constructor fields), PyTorch's
// dotted names, buffers, modes, zeroGrad, requiresGrad_, state dicts, repr and observer events.

class Chain extends nn.Module {
  lin0: nn.Linear;
  lin1: nn.Linear;
  constructor() {
    super();
    this.lin0 = new nn.Linear(2, 2);
    this.lin1 = new nn.Linear(2, 2);
  }
  forward(x: Tensor): Tensor {
    return this.lin1.forward(this.lin0.forward(x).relu());
  }
}

class G extends nn.Module {
  fc1 = new nn.Linear(2, 4);
  act = new nn.ReLU();
  features = new nn.Sequential(new nn.Linear(4, 3), new nn.Tanh(), new nn.Linear(3, 2, false));
  scale = new nn.Parameter(zeros(1));
  forward(x: Tensor): Tensor {
    return this.features.forward(this.act.forward(this.fc1.forward(x))).mul(this.scale);
  }
}

afterEach(() => {
  setObserver(null);
});

describe("registration and names", () => {
  it("constructor-assigned fields register in declaration order", () => {
    const m = new Chain();
    expect([...m.namedParameters()].map(([n]) => n)).toEqual(["lin0.weight", "lin0.bias", "lin1.weight", "lin1.bias"]);
    expect([...m.namedChildren()].map(([n]) => n)).toEqual(["lin0", "lin1"]);
  });

  it("class fields register too; own parameters come before children's, Sequential children are 0, 1, …", () => {
    const g = new G();
    expect([...g.namedParameters()].map(([n]) => n)).toEqual([
      "scale", "fc1.weight", "fc1.bias", "features.0.weight", "features.0.bias", "features.2.weight",
    ]);
    expect([...g.namedModules()].map(([n]) => n)).toEqual(["", "fc1", "act", "features", "features.0", "features.1", "features.2"]);
    expect([...g.children()].length).toBe(3);
    expect([...g.modules()].length).toBe(7);
    expect([...g.parameters()].length).toBe(6);
    expect([...g.parameters(false)].length).toBe(1);
  });

  it("parameters are leaves that require grad and carry their local name", () => {
    const lin = new nn.Linear(3, 2);
    for (const [name, p] of lin.namedParameters()) {
      expect(p).toBeInstanceOf(nn.Parameter);
      expect(p.isLeaf && p.requiresGrad).toBe(true);
      expect(p.name).toBe(name);
    }
    expect(new nn.Parameter(zeros(2), false).requiresGrad).toBe(false);
  });

  it("shared modules and parameters are listed once", () => {
    const shared = new nn.Linear(2, 2);
    const seq = new nn.Sequential(shared, new nn.ReLU(), shared);
    expect([...seq.namedParameters()].map(([n]) => n)).toEqual(["0.weight", "0.bias"]);
  });

  it("Sequential is indexable and iterable; ModuleList and ModuleDict register their modules", () => {
    const a = new nn.Linear(2, 2), b = new nn.ReLU();
    const seq = new nn.Sequential(a, b);
    expect(seq[0]).toBe(a);
    expect(seq.at(-1)).toBe(b);
    expect(seq.length).toBe(2);
    expect([...seq]).toEqual([a, b]);
    const list = new nn.ModuleList([new nn.Linear(1, 1)]).append(new nn.Linear(1, 2));
    expect([...list.namedParameters()].map(([n]) => n)).toEqual(["0.weight", "0.bias", "1.weight", "1.bias"]);
    const dict = new nn.ModuleDict({ 10: new nn.Linear(1, 1), enc: new nn.Linear(1, 1) } as Record<string, nn.Module>);
    dict.set("2", new nn.Identity());
    expect([...dict.namedChildren()].map(([n]) => n)).toEqual(["10", "enc", "2"]);
    const named = new nn.Sequential({ first: new nn.Linear(1, 1), second: new nn.ReLU() });
    expect([...named.namedChildren()].map(([n]) => n)).toEqual(["first", "second"]);
  });

  it("getSubmodule / getParameter follow dotted paths", () => {
    const g = new G();
    expect(g.getSubmodule("features.2")).toBe(g.features[2]);
    expect(g.getParameter("features.0.bias")).toBe((g.features[0] as nn.Linear).bias);
    expect(() => g.getSubmodule("nope")).toThrow("G has no attribute `nope`");
  });
});

describe("buffers, modes, gradients", () => {
  it("BatchNorm registers running stats as buffers, updates them in train mode only", () => {
    manualSeed(0);
    const bn = new nn.BatchNorm1d(3);
    expect([...bn.namedBuffers()].map(([n]) => n)).toEqual(["runningMean", "runningVar", "numBatchesTracked"]);
    expect(Object.keys(bn.stateDict())).toEqual(["weight", "bias", "runningMean", "runningVar", "numBatchesTracked"]);
    const x = randn(8, 3).mul(2).add(1);
    bn.forward(x);
    expect(bn.numBatchesTracked!.item()).toBe(1);
    const mean = bn.runningMean!.tolist() as number[];
    expect(mean.some((v) => v !== 0)).toBe(true);
    bn.eval();
    expect(bn.training).toBe(false);
    const y = bn.forward(x);
    expect(bn.runningMean!.tolist()).toEqual(mean);
    expect(bn.numBatchesTracked!.item()).toBe(1);
    // eval uses the running stats: y = (x - rm) / sqrt(rv + eps)
    const rv = bn.runningVar!.tolist() as number[];
    const x0 = x.tolist() as number[][];
    expect((y.tolist() as number[][])[0][0]).toBeCloseTo((x0[0][0] - mean[0]) / Math.sqrt(rv[0] + 1e-5), 5);
  });

  it("Dropout is the identity in eval mode and seeded in train mode", () => {
    const drop = new nn.Dropout(0.5);
    const x = randn(4, 6);
    manualSeed(1);
    const a = drop.forward(x).tolist();
    manualSeed(1);
    expect(drop.forward(x).tolist()).toEqual(a);
    expect((a as number[][]).flat().filter((v) => v === 0).length).toBeGreaterThan(0);
    drop.eval();
    expect(drop.forward(x)).toBe(x);
  });

  it("train()/eval() recurse into children", () => {
    const g = new G();
    g.eval();
    expect([...g.modules()].every((m) => !m.training)).toBe(true);
    g.train();
    expect([...g.modules()].every((m) => m.training)).toBe(true);
  });

  it("requiresGrad_(false) freezes every parameter; zeroGrad sets grads to null or zero", () => {
    const m = new Chain();
    m.lin0.requiresGrad_(false);
    expect([...m.lin0.parameters()].every((p) => !p.requiresGrad)).toBe(true);
    m.forward(randn(3, 2)).sum().backward();
    expect(m.lin0.weight.grad).toBeNull();
    expect(m.lin1.weight.grad).not.toBeNull();
    m.zeroGrad({ setToNone: false });
    expect(m.lin1.weight.grad!.tolist()).toEqual([[0, 0], [0, 0]]);
    expect(m.lin0.weight.grad).toBeNull();
    m.zeroGrad();
    expect(m.lin1.weight.grad).toBeNull();
  });

  it("apply visits children first; to('float64') keeps parameter identity", () => {
    const g = new G();
    const seen: string[] = [];
    g.apply((m) => seen.push(m.constructor.name));
    expect(seen).toEqual(["Linear", "ReLU", "Linear", "Tanh", "Linear", "Sequential", "G"]);
    const w = g.fc1.weight;
    g.double();
    expect(g.fc1.weight).toBe(w);
    expect(w.dtype).toBe("float64");
    expect(g.forward(randn(2, 2, { dtype: "float64" })).dtype).toBe("float64");
  });
});

describe("state dicts", () => {
  it("round-trips values into another model", () => {
    manualSeed(2);
    const a = new G(), b = new G();
    const sd = a.stateDict();
    expect(Object.keys(sd)).toEqual([...a.namedParameters()].map(([n]) => n));
    expect(sd["fc1.weight"].requiresGrad).toBe(false);
    b.loadStateDict(sd);
    for (const [[na, pa], [nb, pb]] of [...a.namedParameters()].map((e, i) => [e, [...b.namedParameters()][i]])) {
      expect(nb).toBe(na);
      expect(pb.tolist()).toEqual(pa.tolist());
    }
  });

  it("raises PyTorch's errors for missing, unexpected and mis-shaped keys", () => {
    const lin = new nn.Linear(2, 3);
    expect(() => lin.loadStateDict({ weight: zeros(3, 2), extra: zeros(1) })).toThrow(
      'Error(s) in loading state_dict for Linear:\n\tMissing key(s) in state_dict: "bias". \n\tUnexpected key(s) in state_dict: "extra". ',
    );
    expect(() => lin.loadStateDict({ weight: zeros(2, 2), bias: zeros(3) })).toThrow(
      "size mismatch for weight: copying a param with shape torch.Size([2, 2]) from checkpoint, the shape in current model is torch.Size([3, 2]).",
    );
    expect(lin.loadStateDict({ weight: zeros(3, 2) }, false)).toEqual({ missingKeys: ["bias"], unexpectedKeys: [] });
  });
});

describe("repr", () => {
  it("prints a module tree like PyTorch's", () => {
    const g = new G();
    expect(g.toString()).toBe(
      [
        "G(",
        "  (fc1): Linear(inFeatures=2, outFeatures=4, bias=true)",
        "  (act): ReLU()",
        "  (features): Sequential(",
        "    (0): Linear(inFeatures=4, outFeatures=3, bias=true)",
        "    (1): Tanh()",
        "    (2): Linear(inFeatures=3, outFeatures=2, bias=false)",
        "  )",
        ")",
      ].join("\n"),
    );
    expect(new nn.Conv2d(1, 2, 3, { padding: 1 }).toString()).toBe("Conv2d(1, 2, kernelSize=(3, 3), stride=(1, 1), padding=(1, 1))");
  });
});

describe("observer events", () => {
  function record(): EngineEvent[] {
    const events: EngineEvent[] = [];
    setObserver({ onEvent: (e) => events.push(e) });
    return events;
  }
  const nameOf = (m: object) => m.constructor.name;

  it("module-enter/exit wrap every forward, nested, for forward() and call()", () => {
    const g = new G();
    const events = record();
    g.forward(randn(1, 2));
    g.call(randn(1, 2));
    const trace = events.map((e) => (e.kind === "module-enter" ? `>${nameOf(e.module)}` : e.kind === "module-exit" ? `<${nameOf(e.module)}` : e.kind));
    const one = [">G", ">Linear", "<Linear", ">ReLU", "<ReLU", ">Sequential", ">Linear", "<Linear", ">Tanh", "<Tanh", ">Linear", "<Linear", "<Sequential", "<G"];
    expect(trace).toEqual([...one, ...one]);
  });

  it("ops run inside the module that was entered", () => {
    const lin = new nn.Linear(2, 2);
    const stack: object[] = [];
    const ops: Array<[string, object | undefined]> = [];
    setObserver({
      onEvent: (e) => {
        if (e.kind === "module-enter") stack.push(e.module);
        if (e.kind === "module-exit") stack.pop();
      },
      onOp: (op) => ops.push([op, stack[stack.length - 1]]),
    });
    const y = lin.forward(randn(3, 2)).sum();
    expect(ops.filter(([, m]) => m === lin).map(([op]) => op)).toEqual(["t", "addmm"]);
    expect(ops.find(([op]) => op === "sum")![1]).toBeUndefined();
    expect(y.gradFn!.nextFunctions[0][0]!.name).toBe("AddmmBackward0");
  });

  it("module-created, module-train, module-requires-grad, zero-grad, buffer-update, Parameter leaves", () => {
    const leaves: string[] = [];
    const events: EngineEvent[] = [];
    setObserver({ onEvent: (e) => events.push(e), onLeafCreated: (_t, f) => leaves.push(f) });
    const bn = new nn.BatchNorm1d(2);
    expect(events[0]).toEqual({ kind: "module-created", module: bn });
    expect(leaves.filter((f) => f === "Parameter").length).toBe(2);
    bn.forward(tensor([[1, 2], [3, 5]]));
    expect(events.filter((e) => e.kind === "buffer-update").map((e) => (e as { name: string }).name)).toEqual([
      "runningMean", "runningVar", "numBatchesTracked",
    ]);
    bn.eval();
    bn.forward(tensor([[1, 2], [3, 5]]));
    expect(events.filter((e) => e.kind === "buffer-update").length).toBe(3);
    bn.requiresGrad_(false);
    bn.zeroGrad();
    const kinds = events.map((e) => e.kind);
    expect(kinds).toContain("module-train");
    expect(events.find((e) => e.kind === "module-requires-grad")).toEqual({ kind: "module-requires-grad", module: bn, flag: false });
    expect(events.find((e) => e.kind === "zero-grad")).toEqual({ kind: "zero-grad", owner: bn, setToNone: true });
  });

  it("call() still reports a forward assigned as an arrow-function field", () => {
    class Arrow extends nn.Module {
      lin = new nn.Linear(2, 2);
      forward = (x: Tensor): Tensor => this.lin.forward(x);
    }
    const m = new Arrow();
    const events = record();
    m.call(randn(1, 2));
    expect(events.map((e) => e.kind)).toEqual(["module-enter", "module-enter", "module-exit", "module-exit"]);
  });

  it("an unobserved module runs forward through the same wrapper without events", () => {
    const lin = new nn.Linear(2, 2);
    expect(Object.getOwnPropertyDescriptor(lin, "forward")!.enumerable).toBe(false);
    expect(lin.forward(randn(1, 2)).shape).toEqual([1, 2]);
  });

  it("a module without forward raises PyTorch's error", () => {
    class Empty extends nn.Module {}
    expect(() => new Empty().call(randn(1))).toThrow('Module [Empty] is missing the required "forward" function');
  });
});

describe("Parameter", () => {
  it("works where kernels rebuild a broadcast view through the tensor's constructor", () => {
    const p = new nn.Parameter(tensor([1, 2, 3]));
    const x = tensor([[1, 1, 1], [2, 2, 2]], { requiresGrad: true });
    const loss = F.mseLoss(x, p, { reduction: "sum" });
    expect(loss.item()).toBe(0 + 1 + 4 + 1 + 0 + 1);
    loss.backward();
    expect(p.grad!.tolist()).toEqual([-2, 2, 6]);
  });

  it("shares the storage of the tensor it wraps and prints like PyTorch", () => {
    const t = tensor([1, 2]);
    const p = new nn.Parameter(t);
    expect(p.storage).toBe(t.storage);
    expect(p.toString().startsWith("Parameter containing:\n")).toBe(true);
  });
});
