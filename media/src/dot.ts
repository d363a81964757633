// Graphviz DOT export of a Report's graph: module clusters as nested subgraphs, parameters coloured
// by status, detach edges dashed with a ✂ label, noGrad ops greyed. Pure string building.

import type { ParamStatus, Report } from "../../src/protocol/report";
import { buildModel, statusOf, type Model } from "./model";

export const DOT_STATUS_COLORS: Record<ParamStatus, { fill: string; stroke: string }> = {
  updated: { fill: "#d7f5dd", stroke: "#2e9e4f" },
  "grad-not-applied": { fill: "#fff1c2", stroke: "#c99a06" },
  frozen: { fill: "#d6e9ff", stroke: "#3a7bd5" },
  cut: { fill: "#ffd9d6", stroke: "#d1352b" },
  unused: { fill: "#eeeeee", stroke: "#8a8a8a" },
};

/** A DOT double-quoted string. Only `"` and `\` need escaping; newlines become \n. */
export function dotString(s: string): string {
  return (
    '"' +
    s
      .replace(/\\/g, "\\\\")
      .replace(/"/g, '\\"')
      .replace(/\r\n|\r|\n/g, "\\n")
      // DOT has no other escapes; control characters are dropped
      .replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/g, "") +
    '"'
  );
}

export interface DotOptions {
  /** graph name, default "gradlens" */
  name?: string;
  /** mark nodes and edges reached by this backward() call */
  backward?: number | null;
}

export function toDot(report: Report, opts: DotOptions = {}): string {
  const model = buildModel(report);
  return modelToDot(model, opts);
}

export function modelToDot(model: Model, opts: DotOptions = {}): string {
  const lines: string[] = [];
  const sel = opts.backward ?? null;
  lines.push(`digraph ${dotString(opts.name ?? "gradlens")} {`);
  lines.push(`  rankdir=TB;`);
  lines.push(`  graph [fontname="Helvetica", fontsize=10, compound=true];`);
  lines.push(`  node [fontname="Helvetica", fontsize=10, shape=box, style="rounded,filled", fillcolor="#ffffff"];`);
  lines.push(`  edge [fontname="Helvetica", fontsize=9, color="#777777"];`);

  const nodeLine = (id: string, indent: string) => {
    const n = model.nodes.get(id)!;
    const attrs: string[] = [];
    const shape = n.shape && n.shape.length ? `[${n.shape.join(", ")}]` : "scalar";
    attrs.push(`label=${dotString(`${n.label}\n${shape}`)}`);
    const st = statusOf(model, n);
    if (n.kind === "op") {
      if (n.gradEnabled === false) {
        attrs.push(`style="rounded,filled,dashed"`, `fillcolor="#e4e4e4"`, `fontcolor="#666666"`);
      } else attrs.push(`fillcolor="#f4f4f4"`);
    } else {
      attrs.push(`shape=${n.kind === "param" ? "box" : "ellipse"}`);
      if (st) {
        const c = DOT_STATUS_COLORS[st];
        attrs.push(`fillcolor="${c.fill}"`, `color="${c.stroke}"`, `penwidth=2`);
      }
    }
    const tip = [n.kind, st ?? "", n.site ? `${n.site.file}:${n.site.line}:${n.site.column}` : ""]
      .filter(Boolean)
      .join(" · ");
    attrs.push(`tooltip=${dotString(tip)}`);
    if (sel !== null && (n.backwards ?? []).includes(sel)) attrs.push(`peripheries=2`);
    lines.push(`${indent}${dotString(id)} [${attrs.join(", ")}];`);
  };

  let clusterNo = 0;
  const emitModule = (path: string, indent: string) => {
    const m = model.modules.get(path)!;
    if (m.total === 0) return;
    lines.push(`${indent}subgraph ${dotString(`cluster_${clusterNo++}`)} {`);
    lines.push(`${indent}  label=${dotString(`${m.path} (${m.type})`)};`);
    lines.push(`${indent}  style="rounded"; color="#9a9a9a";`);
    for (const id of m.nodes) nodeLine(id, indent + "  ");
    for (const c of m.children) emitModule(c, indent + "  ");
    lines.push(`${indent}}`);
  };
  for (const r of model.roots) emitModule(r, "  ");
  for (const id of model.free) nodeLine(id, "  ");

  for (const e of model.report.graph?.edges ?? []) {
    if (!model.nodes.has(e.from) || !model.nodes.has(e.to)) continue;
    const attrs: string[] = [];
    if (e.kind === "detach") {
      attrs.push(`style=dashed`, `color="#d1352b"`, `label="✂"`, `fontcolor="#d1352b"`);
      if (e.site) attrs.push(`tooltip=${dotString(`detach at ${e.site.file}:${e.site.line}:${e.site.column}`)}`);
    } else if (sel !== null) {
      const a = model.nodes.get(e.from)!.backwards ?? [];
      const b = model.nodes.get(e.to)!.backwards ?? [];
      if (a.includes(sel) && b.includes(sel)) attrs.push(`penwidth=2`, `color="#3a7bd5"`);
    }
    lines.push(`  ${dotString(e.from)} -> ${dotString(e.to)}${attrs.length ? ` [${attrs.join(", ")}]` : ""};`);
  }
  lines.push("}");
  return lines.join("\n") + "\n";
}
