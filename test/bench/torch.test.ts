// `torch_steps.py --serve`, the PyTorch peer of the step benchmarks, driven through its client the
// way the bench drives it. It runs Debian's torch (CI installs python3-torch), on whatever BLAS it
// links: the protocol, not the speed, is under test.
import { describe, expect, it } from "vitest";
import { NO_TORCH, torchPython } from "../runner/python/torchPython";
import { serveTorchSteps } from "./torch.bench";

describe("torch_steps.py --serve", () => {
  it("announces torch and its BLAS, answers rounds, reports bad requests, and exits at the end of input", async () => {
    if (torchPython === null) throw new Error(NO_TORCH);
    const server = await serveTorchSteps(torchPython);
    try {
      expect(server.torch).toMatch(/^\d+\.\d+/);
      expect(["openblas", "mkl", "blis", "reference", "unknown"]).toContain(server.blas);
      const r = await server.round("mlp", 1, 2);
      expect(Object.keys(r).sort()).toEqual(["cpu", "wall"]);
      expect(r.wall).toBeGreaterThan(0);
      expect(r.cpu).toBeGreaterThan(0);
      await expect(server.round("mlp", 0, 1)).rejects.toThrow("torch_steps.py: threads and steps must be at least 1, got 'mlp 0 1'");
      // still serving after a bad request
      expect((await server.round("mlp", 2, 1)).wall).toBeGreaterThan(0);
    } finally {
      await server.close();
    }
    await expect(server.round("mlp", 1, 1)).rejects.toThrow("torch_steps.py exited (code 0)");
  }, 120_000);
});
