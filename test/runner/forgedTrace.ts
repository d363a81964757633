import { emptyTrace } from "../../src/trace/emptyTrace";
import { validateTrace, type Trace } from "../../src/trace/schema";

// A model file that hands the host a trace of its own making: one the schema accepts but analysis
// cannot use (an optimizer whose id is not its index). It finds its run's spool directory (the only
// gradlens-run-* in a private TMPDIR), writes the trace there, announces it as final, and dies
// before the real worker could overwrite it.

export function forgedTrace(file: string): Trace {
  const trace = emptyTrace(file, { reason: "end-of-file", message: "the file ran to its end" }, null, [], 1);
  trace.leaves = [
    { seq: 0, id: 42, name: "w", kind: "parameter", factory: "Parameter", shape: [2], dtype: "float32", numel: 2, requiresGrad: true, requiresGradAtEnd: true, module: null, modulePath: null, site: null },
  ];
  trace.optimizers = [{ seq: 1, id: 5, name: "opt", className: "SGD", groups: [{ lr: 0.1, momentum: null, weightDecay: null, params: [42] }], site: null }];
  if (validateTrace(trace).length > 0) throw new Error(`the forged trace must pass the schema: ${validateTrace(trace).join("; ")}`);
  return trace;
}

export function forgingFile(file: string): string {
  return [
    'import "gradlens";',
    'import { readdirSync, writeFileSync, writeSync } from "node:fs";',
    'import { tmpdir } from "node:os";',
    'import { join } from "node:path";',
    'const spool = join(tmpdir(), readdirSync(tmpdir()).find((n) => n.startsWith("gradlens-run-"))!);',
    `writeFileSync(join(spool, "trace.json"), ${JSON.stringify(JSON.stringify(forgedTrace(file)))});`,
    'writeSync(3, JSON.stringify({ type: "done", file: join(spool, "trace.json") }) + "\\n");',
    'process.kill(process.pid, "SIGKILL");',
  ].join("\n") + "\n";
}
