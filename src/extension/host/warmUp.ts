// What the first check of a TypeScript/JavaScript model needs, started in the background when the
// extension activates on one: the bundler's service (native esbuild or esbuild-wasm, esbuildShim.ts)
// and the check's child process, trace checker and analysis (runner/warmUp.ts). vscode-free, so
// `npm run bench` (test/bench/firstCheck.bench.ts) measures the path the extension takes.
import { warmUpRunner } from "../../runner/warmUp";
import { warmUp as warmUpEsbuild } from "./esbuildShim";

/** Resolves when the bundler answers and the runner's host part is warm (its child may still be starting). */
export function warmUpCheck(workerPath: string, memoryMb: number): Promise<void> {
  const esbuild = warmUpEsbuild();
  // after the caller's event handlers: spawning the child and compiling the checks take the host's thread ~0.1 s
  const runner = new Promise<void>((resolve) => setImmediate(() => {
    warmUpRunner({ workerPath, memoryMb });
    resolve();
  }));
  return Promise.all([esbuild, runner]).then(() => undefined);
}
