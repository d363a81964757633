import type { Site } from "./schema";

// A loop that never reaches backward() or step() (an endless `while`, a long evaluation or data
// loop) repeats the same records for as long as it runs: the trace, its snapshots and the host's read
// of them would grow without bound. Two bounds, both per place (site, op, module):
// - Records that cannot change the analysis are kept the first REPEATS_KEPT times, then only counted
//   (Trace.limits.repeatsDropped): ops on values that need no gradient and that the analysis does not
//   follow back to a parameter (data, metrics — see TraceRecorder's `tainted`), and grad-mode regions
//   that closed with nothing recorded inside.
// - Ops that build a graph are kept GRAPH_REPEATS_KEPT times per place between two backward() calls;
//   past that the trace is truncated there (Trace.limits.opsDropped, like the global maxOps). A training
//   iteration repeats a place that often only in a very long unrolled loop.

export const REPEATS_KEPT = 32;
export const GRAPH_REPEATS_KEPT = 2000;

export class RepeatCounter {
  /** site objects are interned by SiteCapture: one map per place, keyed by what happened there and
   * inside which module (nested maps: no key string is built per op) */
  private times = new Map<Site | null, Map<string, Map<number, number>>>();
  /** records left out as repeats */
  dropped = 0;

  constructor(private readonly kept: number) {}

  /** Counts one more record of `what` at `site` inside module `within` (an id, or null); true (and
   * counted as dropped) past the first `kept`. */
  isRepeat(site: Site | null, what: string, within: number | null = null): boolean {
    let here = this.times.get(site);
    if (here === undefined) this.times.set(site, (here = new Map()));
    let byModule = here.get(what);
    if (byModule === undefined) here.set(what, (byModule = new Map()));
    const key = within ?? -1;
    const n = (byModule.get(key) ?? 0) + 1;
    byModule.set(key, n);
    if (n <= this.kept) return false;
    this.dropped++;
    return true;
  }

  /** Forget the counts (a backward() ends an iteration), keeping the number dropped. */
  reset(): void {
    if (this.times.size > 0) this.times = new Map();
  }
}

export function siteKey(site: Site | null): string {
  return site === null ? "?" : `${site.file}:${site.line}:${site.column}`;
}
