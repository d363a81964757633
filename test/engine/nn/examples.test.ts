import { describe, it, expect, vi, afterEach } from "vitest";

// Runs each nn/optim example in examples/ (importing it runs it) and checks what it prints.

afterEach(() => {
  vi.restoreAllMocks();
});

async function runExample(name: string): Promise<string> {
  const lines: string[] = [];
  vi.spyOn(console, "log").mockImplementation((...args: unknown[]) => {
    lines.push(args.join(" "));
  });
  await import(`../../../examples/${name}.ts`);
  return lines.join("\n");
}

const grads = (pattern: string[]) => pattern.map((g, i) => `lin${i}.weight.grad: ${g}`).join("\n");

describe("examples", () => {
  it("branch-detach: x.grad is 56, and 48 with the branch detached", async () => {
    const out = await runExample("branch-detach");
    expect(out).toContain("p = z          -> x.grad = 56");
    expect(out).toContain("p = z.detach() -> x.grad = 48");
  });
  it("chain-detach: lin0/lin1 null, lin2/lin3 set", async () => {
    expect(await runExample("chain-detach")).toBe(grads(["null", "null", "set", "set"]));
  });
  it("frozen-middle: only lin2 null", async () => {
    expect(await runExample("frozen-middle")).toBe(grads(["set", "set", "null", "set"]));
  });
  it("no-grad-middle: lin0/lin1 null", async () => {
    expect(await runExample("no-grad-middle")).toBe(grads(["null", "null", "set", "set"]));
  });
  it("eval-no-grad: three steps, validation records no graph", async () => {
    const out = await runExample("eval-no-grad");
    expect(out.split("\n")).toHaveLength(3);
    expect(out).toMatch(/step 2: train loss \d+\.\d{4}, val loss \d+\.\d{4}, val requiresGrad false/);
  });
  it("optimizer-subset: model1 has grads but is unchanged", async () => {
    expect(await runExample("optimizer-subset")).toBe("model1.weight.grad: set\nmodel1 unchanged: true");
  });
  it("lr-zero-groups: only model1 changes", async () => {
    expect(await runExample("lr-zero-groups")).toBe("model1 changed: true\nmodel2 changed: false\nfc changed: false");
  });
  it("gan and gan-no-detach run three steps", async () => {
    for (const name of ["gan", "gan-no-detach"]) {
      const out = await runExample(name);
      expect(out.split("\n").map((l) => l.slice(0, 7))).toEqual(["step 0:", "step 1:", "step 2:"]);
      vi.restoreAllMocks();
    }
  });
  it("frozen-backbone: no backbone grads, head trained", async () => {
    expect(await runExample("frozen-backbone")).toMatch(/backbone params with grads: 0, head.weight.grad: set$/);
  });
});
