// What a focus request from the editor brings into view (pure: no DOM). A line focuses the nodes
// created there; a line holding a cut (a CodeLens "cuts 4 parameters…") focuses the cut itself and the
// parameters it blocked: the ops on that line are not what the lens is about.

import type { CutReport } from "../../src/protocol/report";
import type { Model } from "./model";

export interface LineFocus {
  line: number;
  file?: string;
}

/** the same file, with paths as given by either side (absolute in the editor, relative in a report) */
export function sameFile(a: string, b: string | undefined): boolean {
  if (b === undefined) return true;
  const x = a.replace(/\\/g, "/");
  const y = b.replace(/\\/g, "/");
  return x === y || x.endsWith(`/${y}`) || y.endsWith(`/${x}`);
}

export function nodesAtLine(model: Model, f: LineFocus): string[] {
  return [...model.nodes.values()].filter((n) => n.site && n.site.line === f.line && sameFile(n.site.file, f.file)).map((n) => n.id);
}

export interface CutFocus {
  cuts: CutReport[];
  /** the graph nodes where the gradient stops: the ends of the detach edges, the ops of a noGrad region */
  at: string[];
  /** the parameter nodes it blocked */
  blocked: string[];
}

/** The cut(s) reported at this line, or null when the line holds none (or none of it is in the graph). */
export function cutFocus(model: Model, f: LineFocus): CutFocus | null {
  const cuts = (model.report.cuts ?? []).filter((c) => c.line === f.line && sameFile(c.file, f.file));
  if (!cuts.length) return null;
  const at = new Set<string>();
  const blockedNames = new Set<string>();
  for (const c of cuts) {
    for (const p of c.blocked) blockedNames.add(p);
    if (c.kind === "detach") {
      for (const e of model.report.graph?.edges ?? [])
        if (e.kind === "detach" && e.site && e.site.line === c.line && sameFile(e.site.file, c.file) && model.nodes.has(e.from) && model.nodes.has(e.to)) {
          at.add(e.from);
          at.add(e.to);
        }
    } else if (c.kind === "no-grad") {
      const end = c.endLine ?? c.line;
      for (const n of model.nodes.values())
        if (n.kind === "op" && n.gradEnabled === false && n.site && n.site.line >= c.line && n.site.line <= end && sameFile(n.site.file, c.file)) at.add(n.id);
    }
  }
  const blocked = [...model.nodes.values()].filter((n) => n.kind === "param" && blockedNames.has(n.label)).map((n) => n.id);
  if (!at.size && !blocked.length) return null;
  return { cuts, at: [...at], blocked };
}
