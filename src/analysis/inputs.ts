import type { InputReport, ParameterReport } from "../protocol/report";
import type { TraceIndex } from "./traceIndex";

// The tensors that require grad but are inputs, not trained weights (TraceIndex marks them), one
// entry per line that makes them: an attack loop makes a new `data` each iteration.

export function buildInputReports(index: TraceIndex, parameters: ParameterReport[]): InputReport[] {
  const bySite = new Map<string, InputReport>();
  index.params.forEach((info, i) => {
    if (!info.input) return;
    const p = parameters[i];
    const key = p.site === null ? `?${p.name}` : `${p.site.file}:${p.site.line}:${p.site.column}`;
    const known = bySite.get(key);
    if (known === undefined) {
      bySite.set(key, {
        name: p.name, shape: [...p.shape], numel: p.numel, dtype: p.dtype, count: 1, gotGrad: p.gotGrad, reachedBy: [...p.reachedBy], site: p.site,
      });
      return;
    }
    known.count++;
    known.gotGrad ||= p.gotGrad;
    for (const b of p.reachedBy) if (!known.reachedBy.includes(b)) known.reachedBy.push(b);
  });
  return [...bySite.values()];
}
