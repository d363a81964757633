import { REPORT_VERSION, type Report } from "../protocol/report";
import type { Trace } from "../trace/schema";
import { TraceIndex } from "./traceIndex";
import { CutSiteRegistry } from "./cutSites";
import { GradGraph } from "./gradGraph";
import { analyzeReach } from "./reach";
import { buildTimeline } from "./gradTimeline";
import { buildParameterReports, collectParamFacts } from "./paramStatus";
import { buildInputReports } from "./inputs";
import { buildBackwardReports, buildCutReports, buildOptimizerReports } from "./reachReports";
import { buildFindings } from "./findings";
import { buildMemoryReport } from "./memory";
import { buildGraphReport } from "./graphReport";
import { applySuppressions, type Suppression } from "./suppressions";

// Trace → Report: pure, no I/O. See docs/findings.md for what each status and finding means.

export interface AnalyzeOptions {
  /** `// gradlens-ignore GLxxx` comments of the checked file (see suppressions.ts) */
  suppressions?: readonly Suppression[];
}

export function analyze(trace: Trace, options: AnalyzeOptions = {}): Report {
  const index = new TraceIndex(trace);
  const registry = new CutSiteRegistry(trace);
  const graph = new GradGraph(index, registry);
  const gradFnOf = (op: number) => trace.ops[op]?.gradFn ?? null;
  const reaches = trace.backwards.map((b) => analyzeReach(graph, b, gradFnOf));
  const timeline = buildTimeline(index);
  const facts = collectParamFacts(index, registry, reaches);
  const parameters = buildParameterReports(index, registry, facts, timeline);
  const cuts = buildCutReports(index, registry, reaches, facts);
  const memory = buildMemoryReport(index, reaches);
  const complete = reachedFullIteration(trace);
  // a run that failed before a full iteration: its findings would describe the stop, not the flow
  const all = trace.error !== null && !complete ? [] : buildFindings({ index, registry, reaches, timeline, facts, parameters, memory });
  const { findings, suppressed } = applySuppressions(all, options.suppressions ?? [], sameFile);
  const inputs = buildInputReports(index, parameters);
  return {
    version: REPORT_VERSION,
    file: trace.file,
    parameters: parameters.filter((_, i) => !index.params[i].input),
    ...(inputs.length > 0 ? { inputs } : {}),
    findings,
    backwards: buildBackwardReports(index),
    cuts,
    optimizers: buildOptimizerReports(index, parameters),
    memory: memory.report,
    graph: buildGraphReport(index, registry, reaches, parameters),
    stopped: trace.stopped,
    complete,
    orphans: index.orphans.map((l) => l.name),
    suppressed,
    error: trace.error,
    console: [...trace.console],
    durationMs: trace.durationMs,
  };
}

/** Every optimizer the run made stepped at least once (a step GradScaler skipped is none); without optimizers, some backward() ran. */
export function reachedFullIteration(trace: Trace): boolean {
  if (trace.optimizers.length === 0) return trace.backwards.some((b) => b.error === null);
  return trace.optimizers.every((o) => trace.steps.some((s) => s.optimizer === o.id && s.skipped !== true));
}

/** Site files are display paths ("model.ts", "./model.ts", "/abs/model.ts"): compare without "./". */
function sameFile(a: string, b: string): boolean {
  const strip = (p: string) => p.replace(/^\.\//, "");
  return strip(a) === strip(b) || strip(a).endsWith("/" + strip(b)) || strip(b).endsWith("/" + strip(a));
}
