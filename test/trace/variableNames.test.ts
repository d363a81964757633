import { describe, expect, it } from "vitest";
import { variableNameAt } from "../../src/trace/variableNames";

const source = (text: string) => {
  const lines = text.split("\n");
  return { line: (_f: string, l: number) => lines[l - 1] ?? null };
};
const nameAt = (text: string, line: number, column: number) => variableNameAt(source(text), { file: "m.ts", line, column });

describe("variableNameAt", () => {
  it("finds the variable a call is assigned to", () => {
    expect(nameAt("const x = randn(3);", 1, 11)).toBe("x");
    expect(nameAt("let w: Tensor = torch.randn(3, 3);", 1, 23)).toBe("w");
    expect(nameAt("const model = new nn.Sequential(a, b);", 1, 15)).toBe("model");
    expect(nameAt("    this.fc1 = new nn.Linear(2, 3);", 1, 16)).toBe("fc1");
    expect(nameAt("const data = await load();", 1, 20)).toBe("data");
    expect(nameAt("optD = new optim.Adam(D.parameters());", 1, 8)).toBe("optD");
  });
  it("looks at the line above when the call starts a continuation line", () => {
    expect(nameAt("const q =\n  randn(3);", 2, 3)).toBe("q");
  });
  it("gives null when the value is not assigned by name", () => {
    expect(nameAt("foo(randn(3));", 1, 5)).toBeNull();
    expect(nameAt("const [a, b] = randn(2).split(1);", 1, 16)).toBeNull();
    expect(nameAt("if (x == randn(1)) {}", 1, 10)).toBeNull();
    expect(nameAt("const f = (a) => randn(3);", 1, 18)).toBeNull();
    expect(variableNameAt(source("x"), null)).toBeNull();
  });
});
