import { arrayOf, bool, check, int, literal, nullable, num, object, recordOf, str, type Shape } from "../../src/trace/jsonShape";
import { runErrorShape, siteShape, stopInfoShape } from "../../src/trace/schema";

// A runtime shape of src/protocol/report.ts, to validate `gradlens check --json` output.

const site = siteShape;
const optSite = nullable(site);
const ints = arrayOf(int);
const sourceSite = { file: str, line: int, column: int };

const reportShape: Shape = object({
  version: literal(1),
  file: str,
  parameters: arrayOf(object({
    name: str, shape: ints, numel: int, dtype: str, requiresGrad: bool, gotGrad: bool, gradNorm: nullable(num),
    optimizers: arrayOf(str), groups: arrayOf(object({ optimizer: str, group: int, lr: num })), updated: bool,
    status: literal("updated", "grad-not-applied", "frozen", "cut", "unused"),
    cause: nullable(object({
      ...sourceSite,
      kind: literal("detach", "no-grad", "requires-grad-false", "not-in-optimizer", "lr-zero", "unreachable"),
      message: str,
    })),
    module: nullable(str), site: optSite, reachedBy: ints,
  })),
  "inputs?": arrayOf(object({
    name: str, shape: ints, numel: int, dtype: str, count: int, gotGrad: bool, reachedBy: ints, site: optSite,
  })),
  findings: arrayOf(object({
    ...sourceSite, code: str, severity: literal("error", "warning", "info"), message: str, parameters: arrayOf(str),
    related: arrayOf(object({ ...sourceSite, message: str })),
  })),
  backwards: arrayOf(object({ ...sourceSite, index: int, reached: arrayOf(str), byModule: recordOf(int) })),
  cuts: arrayOf(object({
    ...sourceSite, kind: literal("detach", "no-grad", "requires-grad-false"), blocked: arrayOf(str), gotGradElsewhere: arrayOf(str), "endLine?": int,
  })),
  optimizers: arrayOf(object({ ...sourceSite, name: str, type: str, steps: int, groups: arrayOf(object({ index: int, lr: num, params: arrayOf(str) })) })),
  memory: object({
    totalSavedBytes: num,
    byModule: arrayOf(object({ module: str, savedBytes: num })),
    freezingSaves: arrayOf(object({ module: str, bytes: num })),
  }),
  graph: object({
    nodes: arrayOf(object({
      id: str, kind: literal("param", "leaf", "op"), label: str, shape: ints, dtype: str, module: nullable(str), site: optSite,
      savedBytes: num, gradNorm: nullable(num), requiresGrad: bool, gradEnabled: bool, backwards: ints,
    })),
    edges: arrayOf(object({ from: str, to: str, kind: literal("data", "detach"), "site?": site })),
    modules: arrayOf(object({ path: str, type: str, parent: nullable(str) })),
  }),
  stopped: stopInfoShape,
  error: nullable(runErrorShape),
  console: arrayOf(str),
  durationMs: num,
});

export function validateReport(value: unknown): string[] {
  return check(reportShape, value);
}
