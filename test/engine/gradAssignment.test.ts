import { describe, it, expect, afterEach } from "vitest";
import { nn, optim, tensor, randn, zerosLike } from "gradlens";
import { setObserver, type EngineEvent } from "../../src/engine/observer";

// `t.grad = value` is an accessor: a user's assignment (PyTorch's `p.grad = None`) is reported as a
// "grad-set" event, while the engine's own writes (backward, retainGrad, zeroGrad, step) stay silent.

afterEach(() => {
  setObserver(null);
});

function recordEvents(): EngineEvent[] {
  const events: EngineEvent[] = [];
  setObserver({ onEvent: (e) => events.push(e) });
  return events;
}

const gradSets = (events: EngineEvent[]) => events.filter((e) => e.kind === "grad-set");

describe("Tensor.grad assignment", () => {
  it("reads back what was assigned, as a plain field did", () => {
    const x = tensor([1, 2], { requiresGrad: true });
    expect(x.grad).toBeNull();
    const g = tensor([3, 4]);
    x.grad = g;
    expect(x.grad).toBe(g);
    x.grad = null;
    expect(x.grad).toBeNull();
  });

  it("reports each user assignment with the tensor and whether it cleared", () => {
    const x = tensor([1, 2], { requiresGrad: true });
    const events = recordEvents();
    x.grad = null;
    x.grad = zerosLike(x);
    x.grad = null;
    expect(gradSets(events)).toEqual([
      { kind: "grad-set", tensor: x, cleared: true },
      { kind: "grad-set", tensor: x, cleared: false },
      { kind: "grad-set", tensor: x, cleared: true },
    ]);
  });

  it("reports nothing once the observer is removed (the setter reads the live observer)", () => {
    const x = tensor([1], { requiresGrad: true });
    const events = recordEvents();
    x.grad = null;
    setObserver(null);
    x.grad = tensor([5]);
    x.grad = null;
    expect(gradSets(events)).toHaveLength(1);
    expect(x.grad).toBeNull();
  });

  it("backward's accumulation (first, repeated, createGraph) and retainGrad are silent", () => {
    const x = tensor([1, 2], { requiresGrad: true });
    const events = recordEvents();
    const y = x.mul(3);
    y.retainGrad();
    y.sum().backward({ retainGraph: true });
    y.sum().backward();
    x.pow(2).sum().backward({ createGraph: true });
    expect(x.grad!.tolist()).toEqual([8, 10]);
    expect(y.grad!.tolist()).toEqual([2, 2]);
    expect(gradSets(events)).toEqual([]);
  });

  it("Module.zeroGrad, Optimizer.zeroGrad (both modes), step and clipping are silent", () => {
    const lin = new nn.Linear(2, 1);
    const sgd = new optim.SGD(lin.parameters(), { lr: 0.1, momentum: 0.9 });
    const adam = new optim.Adam(lin.parameters(), { lr: 0.1 });
    const events = recordEvents();
    const run = () => lin.forward(randn(3, 2)).sum().backward();
    run();
    nn.utils.clipGradNorm_(lin.parameters(), 0.5);
    sgd.step();
    adam.step();
    sgd.zeroGrad(false);
    expect(lin.weight.grad!.tolist()).toEqual([[0, 0]]);
    sgd.zeroGrad();
    expect(lin.weight.grad).toBeNull();
    run();
    lin.zeroGrad(false);
    lin.zeroGrad();
    expect(lin.bias!.grad).toBeNull();
    expect(events.filter((e) => e.kind === "zero-grad")).toHaveLength(4);
    expect(gradSets(events)).toEqual([]);
  });

  it("_setGradQuietly writes without an event", () => {
    const x = tensor([1], { requiresGrad: true });
    const events = recordEvents();
    const g = tensor([2]);
    x._setGradQuietly(g);
    expect(x.grad).toBe(g);
    expect(gradSets(events)).toEqual([]);
  });
});
