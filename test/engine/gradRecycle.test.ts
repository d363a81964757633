// zeroGrad(setToNone) hands a leaf's old gradient to the buffer pool when only the engine ever held
// it (Tensor._takePrivateGrad): backward made it and no one read `.grad` since. These tests check
// that the reuse happens (the next step's gradient is the same memory) and that a gradient anyone
// could still hold — read through `.grad`, made with createGraph, zeroed in place — keeps its values.
import { afterEach, describe, expect, it } from "vitest";
import { F, manualSeed, nn, optim, randint, randn, type Tensor } from "gradlens";
import { setBufferPooling } from "../../src/engine/bufferPool";

afterEach(() => setBufferPooling(true));

function setup() {
  manualSeed(3);
  const model = new nn.Sequential(new nn.Linear(40, 64), new nn.ReLU(), new nn.Linear(64, 5)); // weights ≥ 1024 elements: pooled
  const x = randn(16, 40);
  const y = randint(0, 5, [16]);
  const weight = [...model.parameters()][0]!;
  const lossOf = () => F.crossEntropy(model.call(x) as Tensor, y);
  return { model, weight, lossOf };
}

/** the memory behind p's gradient, read without handing the gradient out */
const gradMemory = (p: Tensor) => p._peekGrad()!.storage.data;

describe("a leaf's gradient goes back to the pool at zeroGrad", () => {
  it("when no one read it: the next step's gradient reuses its memory (SGD and Adam)", () => {
    for (const make of [(ps: Tensor[]) => new optim.SGD(ps, { lr: 0.1 }), (ps: Tensor[]) => new optim.Adam(ps)]) {
      const { model, weight, lossOf } = setup();
      const opt = make([...model.parameters()]);
      lossOf().backward();
      opt.step();
      const first = gradMemory(weight);
      opt.zeroGrad();
      lossOf().backward();
      expect(gradMemory(weight)).toBe(first);
    }
  });

  it("under LBFGS too (its closure's gradients are read into one flat vector, not handed out)", () => {
    const { model, weight, lossOf } = setup();
    const opt = new optim.LBFGS([...model.parameters()], { maxIter: 3 });
    const closure = () => {
      opt.zeroGrad();
      const loss = lossOf();
      loss.backward();
      return loss;
    };
    opt.step(closure);
    const first = gradMemory(weight);
    opt.zeroGrad();
    lossOf().backward();
    expect(gradMemory(weight)).toBe(first);
  });

  it("after clipGradNorm_ too (it scales the gradient in place and hands it to no one)", () => {
    const { model, weight, lossOf } = setup();
    const opt = new optim.SGD([...model.parameters()], { lr: 0.1 });
    lossOf().backward();
    nn.utils.clipGradNorm_(model.parameters(), 0.5);
    opt.step();
    const first = gradMemory(weight);
    opt.zeroGrad();
    lossOf().backward();
    expect(gradMemory(weight)).toBe(first);
  });

  it("not when the user read .grad: the tensor they hold keeps its values through later steps", () => {
    const { model, weight, lossOf } = setup();
    const opt = new optim.SGD(model.parameters(), { lr: 0.1 });
    lossOf().backward();
    const held = weight.grad!;
    const values = Float32Array.from(held.dataSync());
    opt.step();
    for (let i = 0; i < 3; i++) {
      opt.zeroGrad();
      lossOf().backward();
      opt.step();
    }
    expect(held.numel()).toBe(weight.numel());
    expect(Float32Array.from(held.dataSync())).toEqual(values);
    expect(gradMemory(weight)).not.toBe(held.storage.data);
  });

  it("a gradient read after an in-place accumulation is not reused either", () => {
    const { model, weight, lossOf } = setup();
    lossOf().backward();
    lossOf().backward(); // accumulates into the same, still private, gradient
    const held = weight.grad!;
    const values = Float32Array.from(held.dataSync());
    model.zeroGrad();
    lossOf().backward();
    expect(Float32Array.from(held.dataSync())).toEqual(values);
  });

  it("not a gradient made with createGraph (it has a history)", () => {
    const { model, weight, lossOf } = setup();
    lossOf().backward({ createGraph: true });
    const memory = gradMemory(weight);
    model.zeroGrad();
    lossOf().backward();
    expect(gradMemory(weight)).not.toBe(memory);
    expect(memory.length).toBe(weight.numel());
  });

  it("zeroGrad(false) zeroes the same memory in place, and training matches the run without the pool", () => {
    const run = (pooling: boolean, setToNone: boolean) => {
      setBufferPooling(pooling);
      const { model, lossOf } = setup();
      const opt = new optim.Adam(model.parameters(), { lr: 0.01 });
      const losses: number[] = [];
      for (let step = 0; step < 4; step++) {
        opt.zeroGrad(setToNone);
        const loss = lossOf();
        loss.backward();
        opt.step();
        losses.push(loss.item());
      }
      return { losses, params: [...model.parameters()].map((p) => Float32Array.from(p.dataSync())) };
    };
    for (const setToNone of [true, false]) expect(run(true, setToNone)).toEqual(run(false, setToNone));
  });
});
