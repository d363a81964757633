// The kernels must run without Node-only APIs and inside a worker_threads Worker:
// bundle them for a neutral platform (fails on any node: import) and run them in a Worker.
import { buildSync } from "esbuild";
import { fileURLToPath } from "node:url";
import { Worker } from "node:worker_threads";
import { describe, expect, it } from "vitest";

const entry = fileURLToPath(new URL("../../../src/engine/kernels/matmul.ts", import.meta.url));

describe("kernels in a worker", () => {
  it("bundle for a neutral platform and multiply in a worker_threads Worker with wasm", async () => {
    const result = buildSync({
      stdin: {
        contents: `
          import { matmulInto, getKernelBackend, getWasmVariant, setWasmMinWork } from ${JSON.stringify(entry)};
          const { parentPort } = globalThis.__workerThreads;
          setWasmMinWork(0);
          const a = new Float32Array([1, 2, 3, 4, 5, 6]);     // 2×3
          const b = new Float32Array([7, 8, 9, 10, 11, 12]);  // 3×2
          const out = new Float32Array(4);
          matmulInto(a, b, out, 2, 3, 2, false, false);
          parentPort.postMessage({ out: Array.from(out), backend: getKernelBackend(), variant: getWasmVariant() });
        `,
        resolveDir: fileURLToPath(new URL(".", import.meta.url)),
        loader: "ts",
      },
      bundle: true,
      write: false,
      format: "iife",
      platform: "neutral",
      logLevel: "silent",
    });
    const code = result.outputFiles[0]!.text;
    const worker = new Worker(
      `globalThis.__workerThreads = require("node:worker_threads");\n${code}`,
      { eval: true },
    );
    const msg = await new Promise<{ out: number[]; backend: string; variant: string | null }>((resolve, reject) => {
      worker.once("message", resolve);
      worker.once("error", reject);
    });
    await worker.terminate();
    expect(msg.out).toEqual([58, 64, 139, 154]);
    expect(msg.backend).toBe("wasm");
    expect(["simd", "relaxed-simd"]).toContain(msg.variant);
  }, 60_000);
});
