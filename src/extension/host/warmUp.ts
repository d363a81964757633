// What the first check of a TypeScript/JavaScript model needs, started in the background when the
// extension activates on one: the bundler's service (native esbuild or esbuild-wasm, esbuildShim.ts)
// and the check's child process plus a rehearsal check (runner/warmUp.ts). vscode-free, so
// `npm run bench` (test/bench/firstCheck.bench.ts) measures the path the extension takes.
import { warmUpRunner } from "../../runner/warmUp";
import { warmUp as warmUpEsbuild } from "./esbuildShim";

/** Resolves when the bundler answers and the rehearsal check has ended (a spare child then waits). */
export function warmUpCheck(workerPath: string, memoryMb: number): Promise<void> {
  // both processes are spawned now, before the caller goes on to what keeps the host's thread busy
  // (at activation: the static scan's first use loads TypeScript's compiler)
  const esbuild = warmUpEsbuild();
  const runner = warmUpRunner({ workerPath, memoryMb });
  return Promise.all([esbuild, runner]).then(() => undefined);
}
