import { describe, expect, it } from "vitest";
import { scanSource } from "../../src/static";

// The engine exports its lr schedulers from `optim` beside the optimizers; a scheduler's construction
// is not an optimizer site (its lens said "optimizer `scheduler` — not built during the check").

describe("lr schedulers are not optimizers", () => {
  it("only the SGD of a warm-up + cosine schedule is an optimizer site", () => {
    const source = [
      'import { nn, optim } from "gradlens";',
      "const optimizer = new optim.SGD(new nn.Linear(2, 2).parameters(), { lr: 0.1 });",
      "const scheduler = new optim.SequentialLR(optimizer, [",
      "  new optim.LinearLR(optimizer, { startFactor: 0.1, totalIters: 2 }),",
      "  new optim.CosineAnnealingLR(optimizer, 4),",
      "], [2]);",
      "const others = [new optim.LambdaLR(optimizer, () => 1), new optim.ReduceLROnPlateau(optimizer), new optim.CosineAnnealingWarmRestarts(optimizer, 2),",
      "  new optim.ChainedScheduler([]), new optim.LRScheduler(optimizer), new optim.MyOptimizer([])];",
    ].join("\n");
    const sites = scanSource(source, "/ws/sched.ts").sites.filter((s) => s.kind === "optimizer");
    expect(sites.map((s) => [s.line, s.kind === "optimizer" ? s.className : ""])).toEqual([[2, "SGD"], [8, "MyOptimizer"]]);
  });
});
