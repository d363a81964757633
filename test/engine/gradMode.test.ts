import { afterEach, describe, expect, it } from "vitest";
import { tensor, noGrad, enableGrad, setGradEnabled, isGradEnabled } from "gradlens";

afterEach(() => setGradEnabled(true));

describe("grad mode", () => {
  it("noGrad returns fn's value and records no graph", () => {
    const x = tensor([1, 2], { requiresGrad: true });
    const y = noGrad(() => x.mul(2).add(1));
    expect(y.tolist()).toEqual([3, 5]);
    expect(y.requiresGrad).toBe(false);
    expect(y.gradFn).toBeNull();
    expect(y.isLeaf).toBe(true);
    expect(noGrad(() => 42)).toBe(42);
    expect(isGradEnabled()).toBe(true);
  });
  it("nests with enableGrad and restores each level", () => {
    const x = tensor([1], { requiresGrad: true });
    const seen: boolean[] = [];
    noGrad(() => {
      seen.push(isGradEnabled());
      const y = enableGrad(() => {
        seen.push(isGradEnabled());
        noGrad(() => seen.push(isGradEnabled()));
        seen.push(isGradEnabled());
        return x.mul(2);
      });
      expect(y.gradFn!.name).toBe("MulBackward0");
      seen.push(isGradEnabled());
    });
    seen.push(isGradEnabled());
    expect(seen).toEqual([false, true, false, true, false, true]);
  });
  it("an exception restores the mode", () => {
    expect(() =>
      noGrad(() => {
        throw new Error("boom");
      }),
    ).toThrow("boom");
    expect(isGradEnabled()).toBe(true);
    setGradEnabled(false);
    expect(() =>
      enableGrad(() => {
        throw new Error("boom");
      }),
    ).toThrow("boom");
    expect(isGradEnabled()).toBe(false);
  });
  it("setGradEnabled switches the mode until switched back", () => {
    const x = tensor([1], { requiresGrad: true });
    setGradEnabled(false);
    expect(isGradEnabled()).toBe(false);
    expect(x.mul(2).requiresGrad).toBe(false);
    setGradEnabled(true);
    expect(x.mul(2).requiresGrad).toBe(true);
  });
  it("the mode is read when the op runs, not when the tensor was made", () => {
    const x = tensor([1], { requiresGrad: true });
    const y = x.mul(2);
    const z = noGrad(() => y.mul(3));
    expect(y.requiresGrad).toBe(true);
    expect(z.requiresGrad).toBe(false);
  });

  describe("async callbacks (documented in gradMode.ts)", () => {
    it("noGrad(async fn) keeps grad off across its awaits and restores when the promise settles", async () => {
      const x = tensor([1], { requiresGrad: true });
      const inside: boolean[] = [];
      const pending = noGrad(async () => {
        inside.push(isGradEnabled());
        await Promise.resolve();
        inside.push(isGradEnabled());
        return x.mul(2);
      });
      // the mode is global: until the promise settles, other code also runs with grad off
      expect(isGradEnabled()).toBe(false);
      const y = await pending;
      expect(inside).toEqual([false, false]);
      expect(y.requiresGrad).toBe(false);
      expect(isGradEnabled()).toBe(true);
    });
    it("a rejected promise restores the mode too", async () => {
      await expect(
        noGrad(async () => {
          await Promise.resolve();
          throw new Error("later");
        }),
      ).rejects.toThrow("later");
      expect(isGradEnabled()).toBe(true);
    });
  });
});

describe("detach", () => {
  it("detach() shares storage but is cut from the graph", () => {
    const x = tensor([1, 2], { requiresGrad: true });
    const y = x.mul(2);
    const d = y.detach();
    expect(d.requiresGrad).toBe(false);
    expect(d.gradFn).toBeNull();
    expect(d.storage).toBe(y.storage);
    expect(y.requiresGrad).toBe(true);
  });
  it("detach_() makes a non-leaf a leaf that does not require grad", () => {
    const x = tensor([1, 2], { requiresGrad: true });
    const y = x.mul(2);
    expect(y.detach_()).toBe(y);
    expect(y.isLeaf).toBe(true);
    expect(y.requiresGrad).toBe(false);
    expect(() => y.sum().backward()).toThrow("element 0 of tensors does not require grad and does not have a grad_fn");
  });
  it("detach_() of a view is refused, as in PyTorch", () => {
    const y = tensor([1, 2], { requiresGrad: true }).mul(2);
    expect(() => y.select(0, 0).detach_()).toThrow("Can't detach views in-place. Use detach() instead.");
  });
});
