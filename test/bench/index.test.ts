// The bench table's arithmetic: ratio direction per unit, verdicts parsed from targets, and the
// pairing of GradLens's rounds with a peer's.
import { describe, expect, it } from "vitest";
import { formatTable, ratioOf, stepRow, verdict, type Row } from "./index";
import { interleave, median, quantile, type RoundTimes, type Side } from "./paired";
import type { StepTimes } from "./steps.bench";

describe("bench table", () => {
  it("a time ratio is peer / ours, a throughput ratio ours / peer", () => {
    const step: Row = { name: "step", value: 10, unit: "ms", target: "", peers: { "tfjs-cpu": 200, "tfjs-wasm": 40 } };
    expect(ratioOf(step, "tfjs-cpu")).toBe(20);
    expect(ratioOf(step, "tfjs-wasm")).toBe(4);
    const gemm: Row = { name: "mm", value: 45, unit: "GFLOP/s", target: "", peers: { "tfjs-wasm": 30 }, higherIsBetter: true };
    expect(ratioOf(gemm, "tfjs-wasm")).toBe(1.5);
    expect(ratioOf(gemm, "tfjs-cpu")).toBeNull();
  });

  it("verdicts come from the target's leading comparison, or the row's own", () => {
    const row = (value: number, target: string): Row => ({ name: "x", value, unit: "", target });
    expect(verdict(row(41, "≥ 40 GFLOP/s"))).toBe(true);
    expect(verdict(row(39.9, "≥ 40 GFLOP/s"))).toBe(false);
    expect(verdict(row(1.5, "< 1.5×"))).toBe(false);
    expect(verdict(row(1.5, "≤ 1.5×"))).toBe(true);
    expect(verdict(row(12, "informational"))).toBeNull();
    expect(verdict(row(Number.NaN, "< 300 ms"))).toBeNull();
    expect(verdict({ ...row(100, "< 1 ms"), pass: true })).toBe(true);
  });

  it("prints one Markdown row per result with ratios and marks", () => {
    const table = formatTable([
      { name: "MLP step", value: 12.345, unit: "ms", target: "≤ 20 ms", peers: { "tfjs-cpu": 246.9, pytorch: 5 }, pass: true },
      { name: "a | b", value: 2, unit: "×", target: "< 1.5×" },
    ]);
    const lines = table.split("\n");
    expect(lines).toHaveLength(4);
    expect(lines[2]).toBe("| MLP step | 12.345 | ms | ≤ 20 ms | 20× |  | 2.47× |  | ✓ |");
    expect(lines[3]).toBe("| a \\| b | 2 | × | < 1.5× |  |  |  |  | ✗ |");
  });
});

/** A side that replays scripted rounds (ms per step) and logs its turns. */
function scripted(name: string, rounds: RoundTimes[], log: string[]): Side {
  let i = 0;
  return (steps) => {
    log.push(`${name}×${steps}`);
    const r = rounds[i++];
    if (!r) throw new Error(`${name} asked for round ${i}, scripted ${rounds.length}`);
    return r;
  };
}

describe("paired rounds", () => {
  it("warms each side for the same time, alternates rounds, and takes the median of per-pair ratios", async () => {
    const log: string[] = [];
    const ours = scripted("ours", [
      { wall: 40, cpu: 40 }, { wall: 20, cpu: 20 }, // warm-up: 2 steps × (40 + 20) ms ≥ 100 ms, 4 steps
      { wall: 10, cpu: 9 }, { wall: 12, cpu: 11 }, { wall: 30, cpu: 12 },
    ], log);
    const theirs = scripted("theirs", [
      { wall: 60, cpu: 60 }, { wall: 1, cpu: 1 }, // warm-up: 2 steps × 60 ms ≥ 100 ms, then to 4 steps
      { wall: 5, cpu: 3 }, { wall: 4, cpu: 5 }, { wall: 20, cpu: 6 },
    ], log);
    const r = await interleave(ours, theirs, { stepsPerRound: 2, pairs: 3, warmupMs: 100, warmupSteps: 4 });
    expect(log).toEqual(["ours×2", "theirs×2", "ours×2", "theirs×2", "ours×2", "theirs×2", "ours×2", "theirs×2", "ours×2", "theirs×2"]);
    expect(r.warmupRounds).toEqual({ ours: 2, theirs: 2 });
    expect(r.pairs).toBe(3);
    expect(r.ours).toEqual({ wall: 12, cpu: 11 });
    expect(r.theirs).toEqual({ wall: 5, cpu: 5 });
    // wall ratios 10/5, 12/4, 30/20 = 2, 3, 1.5 → 2 (the ratio of the medians would say 2.4);
    // CPU ratios 9/3, 11/5, 12/6 = 3, 2.2, 2 → 2.2
    expect(r.ratio!.wall).toBe(2);
    expect(r.ratio!.cpu).toBeCloseTo(2.2, 12);
    // quartiles of 1.5, 2, 3 by interpolation: 1.5 + 0.5·0.5, 2 + 0.5·1
    expect(r.ratioQuartiles).toEqual([1.75, 2.5]);
  });

  it("without a peer, times our rounds alone by the same plan", async () => {
    const log: string[] = [];
    // warm-up: 2 steps × 50 ms, then 2 steps × 60 ms ≥ 100 ms
    const ours = scripted("ours", [{ wall: 50, cpu: 50 }, { wall: 60, cpu: 60 }, { wall: 7, cpu: 6 }, { wall: 9, cpu: 8 }, { wall: 8, cpu: 9 }, { wall: 6, cpu: 1 }], log);
    const r = await interleave(ours, null, { stepsPerRound: 2, pairs: 4, warmupMs: 200, warmupSteps: 2 });
    expect(log).toHaveLength(6);
    expect(r).toEqual({ ours: { wall: 7.5, cpu: 7 }, theirs: null, ratio: null, ratioQuartiles: null, pairs: 4, warmupRounds: { ours: 2, theirs: 0 } });
  });

  it("a median of an even count is the mean of the middle two; quantiles interpolate", () => {
    expect(median([4, 1, 3, 2])).toBe(2.5);
    expect(median([3, 1, 2])).toBe(2);
    expect(quantile([4, 1, 3, 2], 0.25)).toBe(1.75);
    expect(quantile([4, 1, 3, 2], 0.75)).toBe(3.25);
    expect(quantile([4, 1, 3, 2], 0.5)).toBe(median([4, 1, 3, 2]));
  });

  it("a paired ratio is what the row shows and judges, not the ratio of the medians", () => {
    // medians 6 and 2.9 ms would say 2.07×; the pairs said 1.8×
    const t: StepTimes = {
      gradlens: { wall: 6, cpu: 6.5 },
      peers: { pytorch: 2.9, "tfjs-cpu": 120 },
      paired: { peer: "pytorch", pytorch: { wall: 2.9, cpu: 3 }, ratio: { wall: 1.8, cpu: 2.1 } },
      method: "",
      notes: [],
    };
    const row = stepRow("MLP step", t, "≤ 20 ms; ≤ 2× PyTorch", { "tfjs-cpu": 10, pytorch: 0.5 }, 20);
    expect(ratioOf(row, "pytorch")).toBeCloseTo(1 / 1.8, 12);
    expect(ratioOf(row, "tfjs-cpu")).toBe(20);
    expect(formatTable([row]).split("\n")[2]).toBe("| MLP step | 6 | ms | ≤ 20 ms; ≤ 2× PyTorch | 20× |  | 1.8× |  | ✓ |");
    const unpaired = stepRow("MLP step", { ...t, paired: undefined }, "≤ 20 ms; ≤ 2× PyTorch", { "tfjs-cpu": 10, pytorch: 0.5 }, 20);
    expect(formatTable([unpaired]).split("\n")[2]).toBe("| MLP step | 6 | ms | ≤ 20 ms; ≤ 2× PyTorch | 20× |  | 2.07× |  | ✗ |");
  });
});
