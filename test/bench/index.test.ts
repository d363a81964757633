// The bench table's arithmetic: ratio direction per unit, verdicts parsed from targets.
import { describe, expect, it } from "vitest";
import { formatTable, ratioOf, verdict, type Row } from "./index";

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
