import { describe, expect, it } from "vitest";
import { formatLr } from "../../src/protocol/formatLr";

describe("formatLr: a learning rate as the user wrote it", () => {
  it.each([
    [0.1 * 0.1, "0.01"],
    [0.010000000000000002, "0.01"],
    [1e-4, "0.0001"],
    [3e-5, "3e-5"],
    [1e-5, "1e-5"],
    [2.5e-4, "0.00025"],
    [2e-4 * 0.5, "0.0001"],
    [1e-3 * 0.95 ** 3, "0.000857375"],
    [0.1 * 3, "0.3"],
    [1 / 3, "0.333333"],
    [2 / 3 * 1e-6, "6.66667e-7"],
    [1, "1"],
    [10, "10"],
    [0.5, "0.5"],
    [0, "0"],
    [-0, "0"],
    [1.2345678e20, "1.23457e20"],
    [Number.NaN, "NaN"],
    [Number.POSITIVE_INFINITY, "Infinity"],
  ])("%s → %s", (lr, text) => {
    expect(formatLr(lr)).toBe(text);
  });
});
