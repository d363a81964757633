// Backward hands the memory of gradients that died during the sweep to later op outputs
// (src/engine/bufferPool.ts). These tests keep references to everything a user can hold — forward
// outputs, leaf gradients, retained gradients, autograd.grad results, what a custom Function's
// backward or a hook saw — run more steps, and check that none of it changed; and that training
// with reuse computes the same values as without.
import { afterEach, describe, expect, it } from "vitest";
import { F, autograd, manualSeed, nn, optim, randint, randn, type Tensor } from "gradlens";
import { bufferPoolBytes, clearBufferPool, setBufferPooling, setUninitializedMemory } from "../../src/engine/bufferPool";

/** t's values; a tensor whose memory was taken back reads as empty, which fails here */
const snap = (t: Tensor) => {
  const values = Float32Array.from(t.dataSync());
  expect(values.length).toBe(t.numel());
  return values;
};

function mlp() {
  manualSeed(1);
  // 64 × 48 activations: above the pool's smallest length, so they are reused
  const layers = [new nn.Linear(32, 48), new nn.Linear(48, 48), new nn.Linear(48, 5)] as const;
  const model = new nn.Sequential(layers[0], new nn.ReLU(), layers[1], new nn.ReLU(), layers[2]);
  const x = randn(64, 32);
  const y = randint(0, 5, [64]);
  return { model, layers, x, y };
}

afterEach(() => {
  setBufferPooling(true);
  setUninitializedMemory(null);
});

describe("buffer reuse after backward", () => {
  it("never changes a forward output, a loss or a leaf gradient the user still holds", () => {
    const { model, layers, x, y } = mlp();
    const opt = new optim.SGD(model.parameters(), { lr: 0.1 });
    const kept: Array<{ t: Tensor; values: Float32Array }> = [];
    const keep = (t: Tensor) => kept.push({ t, values: snap(t) });
    for (let step = 0; step < 3; step++) {
      opt.zeroGrad();
      const h1 = F.relu(layers[0].call(x));
      const h2 = F.relu(layers[1].call(h1));
      const logits = layers[2].call(h2);
      const loss = F.crossEntropy(logits, y);
      [h1, h2, logits, loss].forEach(keep);
      loss.backward();
      for (const p of model.parameters()) keep(p.grad!);
      opt.step();
    }
    expect(bufferPoolBytes()).toBeGreaterThan(0); // the test exercised reuse
    for (const { t, values } of kept) expect(snap(t)).toEqual(values);
  });

  it("trains to the same values as without reuse, with grads set to None and zeroed in place", () => {
    for (const setToNone of [true, false]) {
      const run = (pooling: boolean) => {
        setBufferPooling(pooling);
        const { model, x, y } = mlp();
        const opt = new optim.SGD(model.parameters(), { lr: 0.1, momentum: 0.9 });
        const losses: number[] = [];
        for (let step = 0; step < 4; step++) {
          opt.zeroGrad(setToNone);
          const loss = F.crossEntropy(model.call(x) as Tensor, y);
          loss.backward();
          opt.step();
          losses.push(loss.item());
        }
        return { losses, params: [...model.parameters()].map(snap) };
      };
      const without = run(false), withPool = run(true);
      expect(withPool.losses).toEqual(without.losses);
      expect(withPool.params).toEqual(without.params);
    }
  });

  it("gives conv and BatchNorm outputs and gradients reused memory without changing a value (a residual block)", () => {
    // 2 × 8 × 8 × 8 maps: 1024 values, the pool's smallest length; the stride-2 conv's input
    // gradient is 2 × 8 × 16 × 16
    const run = (pooling: boolean) => {
      setBufferPooling(pooling);
      manualSeed(3);
      const stem = new nn.Conv2d(3, 8, 3, { stride: 2, padding: 1, bias: false }), bn0 = new nn.BatchNorm2d(8);
      const conv = new nn.Conv2d(8, 8, 3, { padding: 1 }), bn = new nn.BatchNorm2d(8);
      const head = new nn.Linear(8 * 8 * 8, 4);
      const params = [stem, bn0, conv, bn, head].flatMap((m) => [...m.parameters()]);
      const opt = new optim.SGD(params, { lr: 0.05, momentum: 0.9, weightDecay: 5e-4 });
      const y = randint(0, 4, [2]);
      const kept: Array<{ t: Tensor; values: Float32Array }> = [];
      const losses: number[] = [];
      for (let step = 0; step < 3; step++) {
        const x = randn(2, 3, 16, 16).requiresGrad_(); // a new one each step: its gradient would accumulate
        opt.zeroGrad();
        const h = bn0.call(stem.call(x)).relu();
        const out = bn.call(conv.call(h)).add(h).relu();
        const loss = F.crossEntropy(head.call(out.flatten(1)), y);
        loss.backward();
        opt.step();
        for (const t of [h, out, x.grad!, stem.weight.grad!]) kept.push({ t, values: snap(t) });
        losses.push(loss.item());
      }
      for (const { t, values } of kept) expect(snap(t)).toEqual(values);
      return { losses, params: params.map(snap) };
    };
    const without = run(false), withPool = run(true);
    expect(bufferPoolBytes()).toBeGreaterThan(0);
    expect(withPool.losses).toEqual(without.losses);
    expect(withPool.params).toEqual(without.params);
  });

  it("keeps a retained gradient, an autograd.grad result and what a hook saw", () => {
    const { layers, x, y } = mlp();
    // every intermediate is 64 × 48: large enough to be pooled
    const forward = () => {
      const h1 = layers[0].call(x);
      const h2 = layers[1].call(F.relu(h1));
      return { h1, h2, loss: F.crossEntropy(layers[2].call(F.relu(h2)), y) };
    };
    const first = forward();
    const [gh1] = autograd.grad(first.loss, [first.h1]); // a non-leaf: caught as it passes
    const gh1Values = snap(gh1!);
    const second = forward();
    second.h1.retainGrad();
    let hooked: Tensor | null = null;
    second.h2.registerHook((g) => {
      hooked = g;
    });
    second.loss.backward();
    const retained = snap(second.h1.grad!), seen = snap(hooked!);
    for (let i = 0; i < 2; i++) forward().loss.backward();
    expect(snap(gh1!)).toEqual(gh1Values);
    expect(snap(second.h1.grad!)).toEqual(retained);
    expect(snap(hooked!)).toEqual(seen);
  });

  it("keeps what a custom Function's backward was given and returned", () => {
    const seen: Tensor[] = [];
    class Keep extends autograd.Function {
      static override forward(_ctx: autograd.FunctionCtx, a: Tensor): Tensor {
        return a.clone();
      }
      static override backward(_ctx: autograd.FunctionCtx, g: Tensor): Tensor {
        seen.push(g);
        const out = g.mul(1);
        seen.push(out);
        return out;
      }
    }
    const { layers, x, y } = mlp();
    const run = () => {
      const h1 = Keep.apply(layers[0].call(x)) as Tensor; // 64 × 48 gradients pass through Keep
      F.crossEntropy(layers[2].call(F.relu(layers[1].call(F.relu(h1)))), y).backward();
    };
    run();
    const values = seen.map(snap);
    run();
    run();
    seen.slice(0, values.length).forEach((t, i) => expect(snap(t)).toEqual(values[i]));
  });

  it("holds at most its bound and gives everything back when cleared", () => {
    const { model, x, y } = mlp();
    F.crossEntropy(model.call(x) as Tensor, y).backward();
    expect(bufferPoolBytes()).toBeGreaterThan(0);
    expect(bufferPoolBytes()).toBeLessThanOrEqual(64 * 1024 * 1024);
    clearBufferPool();
    expect(bufferPoolBytes()).toBe(0);
  });
});

describe("op outputs taken without zero-filling (allocateUninitialized)", () => {
  /** memory full of NaN (as float32 and float64): an element an op forgot to write shows in every value after it */
  let taken = 0;
  const poisoned = (bytes: number) => {
    taken++;
    const buf = new ArrayBuffer(bytes);
    new Uint32Array(buf).fill(0x7fc00000);
    return buf;
  };

  it("every op that takes it writes all of it: a conv/BatchNorm block and a Transformer layer train to the same values", () => {
    // each op's output and input gradient has ≥ 1024 elements (the pool's and this path's smallest
    // length): conv, BatchNorm, relu, linear, LayerNorm, softmax, GELU, forward and backward
    const run = (poison: boolean, pooling: boolean) => {
      setBufferPooling(pooling);
      setUninitializedMemory(poison ? poisoned : null);
      manualSeed(5);
      const conv = new nn.Conv2d(3, 8, 3, { padding: 1 }), bn = new nn.BatchNorm2d(8);
      const proj = new nn.Linear(8 * 8, 32);
      const layer = new nn.TransformerEncoderLayer(32, 4, { dimFeedforward: 64, dropout: 0, activation: "gelu", batchFirst: true });
      const head = new nn.Linear(32, 3);
      const params = [conv, bn, proj, layer, head].flatMap((m) => [...m.parameters()]);
      const opt = new optim.SGD(params, { lr: 0.05, momentum: 0.9 });
      const y = randint(0, 3, [4]);
      const losses: number[] = [];
      for (let step = 0; step < 2; step++) {
        const x = randn(4, 3, 16, 8);
        opt.zeroGrad();
        const maps = bn.call(conv.call(x)).relu().add(conv.call(x)); // [4, 8, 16, 8]
        const tokens = proj.call(maps.permute(0, 2, 1, 3).reshape(4, 16, 64)); // [4, 16, 32]
        const loss = F.crossEntropy(head.call(layer.call(tokens).mean(1)), y);
        loss.backward();
        opt.step();
        losses.push(loss.item());
      }
      return { losses, params: params.map(snap) };
    };
    const zeroed = run(false, false);
    expect(zeroed.losses.every(Number.isFinite)).toBe(true);
    for (const pooling of [false, true]) {
      taken = 0;
      const result = run(true, pooling);
      expect(taken).toBeGreaterThan(pooling ? 0 : 40);
      expect(result.losses).toEqual(zeroed.losses);
      expect(result.params).toEqual(zeroed.params);
    }
  });
});
