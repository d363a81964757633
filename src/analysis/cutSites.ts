import type { CutKind } from "../protocol/report";
import type { DetachRecord, GradModeRecord, OpRecord, RequiresGradChangeRecord, Site, Trace } from "../trace/schema";

// Every place in the source that can stop a gradient, deduplicated by source position: a detach()
// in a training loop is one cut site however many times it ran.

export interface CutSite {
  id: number;
  kind: CutKind;
  site: Site | null;
  /** for regions: the last line, when the exit was seen */
  endLine?: number;
  /** "detach", "detach_", "noGrad", "setGradEnabled(false)", "requiresGrad = false", "requiresGrad_(false)" */
  form: string;
}

/** A region with grad off: [start, end) in seq, with the record that opened it. */
interface Region {
  start: number;
  end: number;
  cut: CutSite;
}

export class CutSiteRegistry {
  readonly sites: CutSite[] = [];
  private readonly byKey = new Map<string, CutSite>();
  private readonly regions: Region[] = [];

  constructor(private readonly trace: Trace) {
    this.buildRegions(trace.gradModes);
    // Every cut the run made gets a site, also those that blocked nothing ("this detach cuts nothing").
    for (const d of trace.detaches) this.forDetach(d);
    for (const c of trace.requiresGradChanges) if (!c.flag) this.forFreeze(c);
  }

  private intern(kind: CutKind, form: string, site: Site | null, uniqueness: number): CutSite {
    const key = site === null ? `${kind}#${uniqueness}` : `${kind}@${site.file}:${site.line}:${site.column}`;
    let cut = this.byKey.get(key);
    if (cut === undefined) {
      cut = { id: this.sites.length, kind, site, form };
      this.sites.push(cut);
      this.byKey.set(key, cut);
    }
    return cut;
  }

  forDetach(d: DetachRecord): CutSite {
    return this.intern("detach", d.inPlace ? "detach_" : "detach", d.site, d.seq);
  }

  forFreeze(change: RequiresGradChangeRecord): CutSite {
    const form = change.via === "requiresGrad" ? "requiresGrad = false" : "requiresGrad_(false)";
    return this.intern("requires-grad-false", form, change.site, change.seq);
  }

  /** A parameter created with requiresGrad false (no change record): its creation is the cut. */
  forCreatedFrozen(site: Site | null, seq: number): CutSite {
    return this.intern("requires-grad-false", "requiresGrad: false", site, seq);
  }

  /** The grad-off region an op ran in (innermost), or null when grad was on or no region is known. */
  regionFor(op: OpRecord): CutSite | null {
    if (op.gradEnabled) return null;
    if (this.opRegion === null) this.opRegion = this.assignRegions();
    return this.opRegion.get(op.id) ?? null;
  }

  private opRegion: Map<number, CutSite> | null = null;

  /** One sweep over ops and region boundaries in seq order: op id → innermost open region. */
  private assignRegions(): Map<number, CutSite> {
    const out = new Map<number, CutSite>();
    const ops = this.trace.ops.filter((o) => !o.gradEnabled).sort((a, b) => a.seq - b.seq);
    const bounds = this.regions.flatMap((r) => [
      { seq: r.start, open: true, r },
      { seq: r.end, open: false, r },
    ]).sort((a, b) => a.seq - b.seq);
    const active: Region[] = [];
    let i = 0;
    for (const op of ops) {
      while (i < bounds.length && bounds[i].seq < op.seq) {
        const b = bounds[i++];
        if (b.open) active.push(b.r);
        else if (active.includes(b.r)) active.splice(active.lastIndexOf(b.r), 1);
      }
      if (active.length > 0) out.set(op.id, active[active.length - 1].cut);
    }
    return out;
  }

  private buildRegions(records: GradModeRecord[]): void {
    const sorted = [...records].sort((a, b) => a.seq - b.seq);
    const stack: Array<{ rec: GradModeRecord; cut: CutSite | null }> = [];
    let openSet: { rec: GradModeRecord; cut: CutSite } | null = null;
    const close = (start: number, end: number, cut: CutSite, endSite: Site | null) => {
      this.regions.push({ start, end, cut });
      if (endSite !== null && cut.site !== null && endSite.file === cut.site.file && endSite.line >= cut.site.line) {
        cut.endLine = Math.max(cut.endLine ?? 0, endSite.line);
      }
    };
    for (const rec of sorted) {
      if (rec.kind === "no-grad-enter") {
        stack.push({ rec, cut: this.intern("no-grad", "noGrad", rec.site, rec.seq) });
      } else if (rec.kind === "enable-grad-enter") {
        stack.push({ rec, cut: null });
      } else if (rec.kind === "no-grad-exit" || rec.kind === "enable-grad-exit") {
        const top = stack.pop();
        if (top?.cut) close(top.rec.seq, rec.seq, top.cut, rec.site);
      } else if (rec.kind === "set-grad-enabled") {
        const enabled = rec.enabled ?? rec.enabledAfter;
        if (!enabled && openSet === null) {
          openSet = { rec, cut: this.intern("no-grad", "setGradEnabled(false)", rec.site, rec.seq) };
        } else if (enabled && openSet !== null) {
          close(openSet.rec.seq, rec.seq, openSet.cut, rec.site);
          openSet = null;
        }
      }
    }
    const inf = Number.POSITIVE_INFINITY;
    for (const open of stack) if (open.cut) close(open.rec.seq, inf, open.cut, null);
    if (openSet !== null) close(openSet.rec.seq, inf, openSet.cut, null);
  }
}

export function describeCut(cut: CutSite): string {
  switch (cut.form) {
    case "detach":
      return "detach()";
    case "detach_":
      return "detach_()";
    case "noGrad":
      return "noGrad(...)";
    default:
      return cut.form;
  }
}
