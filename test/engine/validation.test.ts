import { describe, expect, it } from "vitest";
import { readFileSync } from "node:fs";
import { eye, ones, type Tensor } from "../../src/engine/index";

// Sizes, indices and .grad assignments are validated with PyTorch's errors (oracle:
// test/fixtures/torch/validation.json, written by scripts/make_validation_fixtures.py).

interface Case { call: string; type: string | null; message: string | null }
const fixture = JSON.parse(readFileSync(new URL("../fixtures/torch/validation.json", import.meta.url), "utf8")) as { cases: Case[] };

const w = ones([2, 3], { requiresGrad: true });
const CALLS: Record<string, () => unknown> = {
  "ones(4).split(0)": () => ones(4).split(0),
  "ones(4).split(-1)": () => ones(4).split(-1),
  "eye(-1)": () => eye(-1),
  "ones(3).expand(-1, 3)": () => ones(3).expand(-1, 3),
  "ones(3).expand(2, -2)": () => ones(3).expand(2, -2),
  "ones(-1)": () => ones(-1),
  "ones(1.5)": () => ones(1.5),
  "ones(3, 3).select(0, 1.5)": () => ones(3, 3).select(0, 1.5),
  "ones(3, 3).select(0, 5)": () => ones(3, 3).select(0, 5),
  "w.grad = ones(3, 2)": () => (w.grad = ones(3, 2)),
  "w.grad = ones([2, 3], { dtype: 'float64' })": () => (w.grad = ones([2, 3], { dtype: "float64" })),
  "w.grad = 3": () => (w.grad = 3 as unknown as Tensor),
};

/** TypeErrors of argument parsing are worded per PyTorch version ("tuple of SymInts" in 1.13, "ints" in 2.x): the part before that must match. */
const STABLE_PREFIX: Record<string, string> = {
  "ones(1.5)": "argument 'size' (position 1) must be tuple of ",
};

function thrown(fn: () => unknown): Error {
  try {
    fn();
  } catch (e) {
    return e as Error;
  }
  throw new Error("did not throw");
}

describe("PyTorch's errors for bad sizes, indices and grads", () => {
  it("covers every fixture case", () => {
    expect(fixture.cases.map((c) => c.call).sort()).toEqual(Object.keys(CALLS).sort());
  });
  for (const c of fixture.cases) {
    it(c.call, () => {
      const e = thrown(CALLS[c.call]!);
      expect(e instanceof TypeError ? "TypeError" : "RuntimeError").toBe(c.type === "IndexError" ? "RuntimeError" : c.type);
      const prefix = STABLE_PREFIX[c.call];
      if (prefix !== undefined) {
        expect(c.message).toContain(prefix);
        expect(e.message).toContain(prefix);
      } else {
        expect(e.message.split("\n")[0]).toBe(c.message);
      }
    });
  }
  it("a valid .grad assignment and null still work", () => {
    w.grad = ones(2, 3);
    expect(w.grad?.shape).toEqual([2, 3]);
    w.grad = null;
    expect(w.grad).toBeNull();
  });
});
