import { describe, it, expect } from "vitest";
import { nn, optim, F, manualSeed, tensor, randn, type Tensor } from "gradlens";

// End to end: seeded MLPs learn XOR and a synthetic 3-class problem.

function accuracy(logits: Tensor, target: Tensor): number {
  const pred = logits.argmax(1).dataSync(), t = target.dataSync();
  let right = 0;
  for (let i = 0; i < t.length; i++) if (pred[i] === t[i]) right++;
  return right / t.length;
}

describe("training", () => {
  it("an MLP learns XOR", () => {
    manualSeed(0);
    const model = new nn.Sequential(new nn.Linear(2, 8), new nn.Tanh(), new nn.Linear(8, 2));
    const x = tensor([[0, 0], [0, 1], [1, 0], [1, 1]]);
    const y = tensor([0, 1, 1, 0], { dtype: "int64" });
    const opt = new optim.Adam(model.parameters(), { lr: 0.08 });
    let loss = Infinity;
    for (let step = 0; step < 200; step++) {
      opt.zeroGrad();
      const l = F.crossEntropy(model.call(x), y);
      l.backward();
      opt.step();
      loss = l.item();
    }
    expect(loss).toBeLessThan(0.05);
    expect(accuracy(model.call(x), y)).toBe(1);
  });

  it("an MLP learns a 3-class problem (three Gaussian blobs) to ≥ 95%", () => {
    manualSeed(1);
    const n = 60;
    const centers = [[2, 0], [-1, 1.7], [-1, -1.7]];
    const points: number[][] = [], labels: number[] = [];
    const noise = randn(3 * n, 2).mul(0.6).tolist() as number[][];
    for (let c = 0; c < 3; c++)
      for (let i = 0; i < n; i++) {
        const [dx, dy] = noise[c * n + i];
        points.push([centers[c][0] + dx, centers[c][1] + dy]);
        labels.push(c);
      }
    const x = tensor(points), y = tensor(labels, { dtype: "int64" });
    const model = new nn.Sequential(new nn.Linear(2, 16), new nn.ReLU(), new nn.Linear(16, 3));
    const opt = new optim.SGD(model.parameters(), { lr: 0.1, momentum: 0.9 });
    const criterion = new nn.CrossEntropyLoss();
    for (let step = 0; step < 100; step++) {
      opt.zeroGrad();
      criterion.call(model.call(x), y).backward();
      opt.step();
    }
    expect(accuracy(model.call(x), y)).toBeGreaterThanOrEqual(0.95);
  });
});
