import { expect, it } from "vitest";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { childV8Flags, runFile } from "../../src/runner/run";
import { repoRoot, useBuiltWorker } from "./buildDist";

// The check's child process gets the engine's fastest kernels on every Node the runner supports:
// relaxed SIMD (FMA) is behind a V8 flag on Node 20 and on by default later, where the flag is
// rejected. CI runs this file under Node 20 and Node 24 (.ci/run); the child runs the same binary.

const worker = useBuiltWorker("kernels");

it(`the child's kernel set is the relaxed-SIMD build (Node ${process.versions.node})`, async () => {
  // the kernel selection, bundled into the file, runs in the child exactly as the engine's does
  const kernels = join(repoRoot, "src/engine/kernels/matmul.ts");
  writeFileSync(join(worker.dir, "variant.ts"), `import "gradlens";\nimport { getWasmVariant } from ${JSON.stringify(kernels)};\nconsole.log(getWasmVariant());\n`);
  const trace = await runFile("variant.ts", { workerPath: worker.workerPath, cwd: worker.dir, timeoutMs: 30_000 });
  expect(trace.error).toBeNull();
  expect(trace.console).toEqual(["relaxed-simd"]);
}, 40_000);

it("passes the relaxed-SIMD flag only to a V8 that needs it", () => {
  expect(childV8Flags("11.3.244.8-node.38")).toEqual(["--experimental-wasm-relaxed-simd"]); // Node 20
  expect(childV8Flags("11.4.183.29")).toEqual([]);
  expect(childV8Flags("12.4.254.21-node.33")).toEqual([]); // Node 22
  expect(childV8Flags("13.6.233.17-node.53")).toEqual([]); // Node 24, which rejects the flag
});
