// A stand-in extension host for firstCheck.bench.ts, bundled like dist/extension.js (buildHostBundle:
// "esbuild" is the shim, which loads the bundler shipped next to this bundle). It does what the
// extension does when it activates on a model file — warmUpCheck — then runs the first check as the
// editor's command does (its default settings), and prints {"checkMs", "parameters", "error"} as JSON.
//   node host.js <model file> <worker.js> <delay ms between activation and the check>
import { performance } from "node:perf_hooks";
import { warmUpCheck } from "../../src/extension/host/warmUp";
import { runCheck } from "../../src/runner/check";

const [file, workerPath, delay] = process.argv.slice(2);
const editorDefaults = { timeoutMs: 30_000, memoryMb: 1024, steps: 5 }; // package.json contributes.configuration

async function main(): Promise<void> {
  void warmUpCheck(workerPath!, editorDefaults.memoryMb);
  if (Number(delay) > 0) await new Promise((r) => setTimeout(r, Number(delay)));
  const started = performance.now();
  const report = await runCheck(file!, { ...editorDefaults, workerPath });
  const checkMs = performance.now() - started;
  process.stdout.write(`${JSON.stringify({ checkMs, parameters: report.parameters.length, error: report.error?.message ?? null })}\n`);
  process.exit(0); // the spare child and the bundler's service would keep a real host running
}

void main();
