// Pure view model: from a Report's graph to what is visible given the collapsed modules.
// No DOM here, so it is unit-testable and cheap to recompute.

import type {
  GraphEdge,
  GraphNode,
  ParamStatus,
  ParameterReport,
  Report,
} from "../../src/protocol/report";

/** runs of this many collapsed sibling modules of one type fold into one node ("Block × 12"); a pair stays two named boxes */
export const FOLD_MIN = 3;

/** the smallest zoom at which node labels (11.5 px) still read: a first view is never smaller */
export const READABLE_ZOOM = 0.7;

export const STATUSES: ParamStatus[] = ["updated", "grad-not-applied", "frozen", "cut", "unused"];

export interface ModuleInfo {
  path: string;
  type: string;
  parent: string | null;
  depth: number;
  /** child module paths, in report order */
  children: string[];
  /** ids of graph nodes directly in this module */
  nodes: string[];
  /** number of graph nodes in this module and below */
  total: number;
  /** declared in report.graph.modules (false: implied by a node's module path) */
  declared: boolean;
}

export interface Model {
  report: Report;
  nodes: Map<string, GraphNode>;
  modules: Map<string, ModuleInfo>;
  /** top-level module paths, in order */
  roots: string[];
  /** nodes outside any module */
  free: string[];
  params: Map<string, ParameterReport>;
  out: Map<string, GraphEdge[]>;
  inc: Map<string, GraphEdge[]>;
}

export function buildModel(report: Report): Model {
  const nodes = new Map<string, GraphNode>();
  for (const n of report.graph?.nodes ?? []) if (!nodes.has(n.id)) nodes.set(n.id, n);
  const modules = new Map<string, ModuleInfo>();
  const roots: string[] = [];
  const declared = report.graph?.modules ?? [];
  const declaredMap = new Map(declared.map((m) => [m.path, m]));

  const ensure = (path: string): ModuleInfo => {
    let m = modules.get(path);
    if (m) return m;
    const d = declaredMap.get(path);
    let parent: string | null;
    if (d) parent = d.parent && d.parent !== path ? d.parent : null;
    else {
      const i = path.lastIndexOf(".");
      parent = i > 0 ? path.slice(0, i) : null;
    }
    // guard against cycles in declared parents
    modules.set(path, (m = { path, type: d?.type ?? "Module", parent, depth: 0, children: [], nodes: [], total: 0, declared: !!d }));
    if (parent !== null) {
      const p = ensure(parent);
      if (isAncestor(modules, path, parent)) {
        m.parent = null;
      } else {
        p.children.push(path);
        m.depth = p.depth + 1;
      }
    }
    if (m.parent === null) roots.push(path);
    return m;
  };
  for (const d of declared) ensure(d.path);
  const free: string[] = [];
  for (const n of nodes.values()) {
    if (n.module) ensure(n.module).nodes.push(n.id);
    else free.push(n.id);
  }
  // totals, children before parents
  const order = dfsOrder(modules, roots);
  for (let i = order.length - 1; i >= 0; i--) {
    const m = modules.get(order[i])!;
    m.total += m.nodes.length;
    if (m.parent !== null) modules.get(m.parent)!.total += m.total;
  }
  const params = new Map<string, ParameterReport>();
  for (const p of report.parameters ?? []) params.set(p.name, p);
  const out = new Map<string, GraphEdge[]>();
  const inc = new Map<string, GraphEdge[]>();
  for (const e of report.graph?.edges ?? []) {
    if (!nodes.has(e.from) || !nodes.has(e.to)) continue;
    push(out, e.from, e);
    push(inc, e.to, e);
  }
  return { report, nodes, modules, roots, free, params, out, inc };
}

function isAncestor(modules: Map<string, ModuleInfo>, anc: string, of: string): boolean {
  let cur: string | null = of;
  const seen = new Set<string>();
  while (cur !== null && !seen.has(cur)) {
    if (cur === anc) return true;
    seen.add(cur);
    cur = modules.get(cur)?.parent ?? null;
  }
  return false;
}

function push<K, V>(m: Map<K, V[]>, k: K, v: V) {
  const a = m.get(k);
  if (a) a.push(v);
  else m.set(k, [v]);
}

export function dfsOrder(modules: Map<string, ModuleInfo>, roots: string[]): string[] {
  const order: string[] = [];
  const stack = [...roots].reverse();
  while (stack.length) {
    const p = stack.pop()!;
    order.push(p);
    const ch = modules.get(p)!.children;
    for (let i = ch.length - 1; i >= 0; i--) stack.push(ch[i]);
  }
  return order;
}

/** The parameter report behind a param (or leaf) node, if any. */
export function paramOf(model: Model, n: GraphNode): ParameterReport | undefined {
  return model.params.get(n.label) ?? model.params.get(n.id);
}

/** The node's status: its own, else its parameter's. */
export function statusOf(model: Model, n: GraphNode): ParamStatus | undefined {
  return n.status ?? (n.kind !== "op" ? paramOf(model, n)?.status : undefined);
}

// ---------------------------------------------------------------------------------------------
// Visible view

export type VKind = "param" | "leaf" | "op" | "module" | "fold";

export interface VNode {
  /** "n:<node id>", "m:<module path>", "f:<first>…<last>" */
  vid: string;
  kind: VKind;
  label: string;
  sub: string;
  node?: GraphNode;
  /** module path (module) or the folded module paths (fold) */
  modules: string[];
  /** graph node ids it stands for */
  members: string[];
  /** the expanded module (cluster) it sits in, or null */
  parent: string | null;
  backwards: Set<number>;
  status?: ParamStatus;
  /** counts of member parameter statuses (module / fold) */
  statusCounts?: Partial<Record<ParamStatus, number>>;
  noGrad: boolean;
}

export interface VCluster {
  path: string;
  type: string;
  parent: string | null;
  depth: number;
}

export interface VEdge {
  id: string;
  from: string;
  to: string;
  kind: "data" | "detach";
  count: number;
  /** backward() calls whose gradient flows along (some underlying edge of) it */
  backwards: Set<number>;
  /** a site of an underlying detach edge */
  site?: GraphEdge["site"];
}

export interface View {
  nodes: VNode[];
  clusters: VCluster[];
  edges: VEdge[];
  /** graph node id → vid */
  rep: Map<string, string>;
  byVid: Map<string, VNode>;
}

export interface ViewState {
  collapsed: Set<string>;
  /** fold keys the user opened */
  unfolded: Set<string>;
}

export function foldKey(first: string, last: string): string {
  return `${first}…${last}`;
}

function shapeText(shape: number[] | undefined): string {
  return shape && shape.length ? `[${shape.join(", ")}]` : "scalar";
}

export function computeView(model: Model, st: ViewState): View {
  const { modules } = model;
  // module → vid of the visible node standing for it, or null when it is expanded (a cluster)
  const modRep = new Map<string, string | null>();
  const vnodes: VNode[] = [];
  const byVid = new Map<string, VNode>();
  const clusters: VCluster[] = [];
  const add = (v: VNode) => {
    vnodes.push(v);
    byVid.set(v.vid, v);
  };

  const visitChildren = (children: string[], parentCluster: string | null) => {
    // fold runs of collapsed sibling modules of the same type
    let i = 0;
    while (i < children.length) {
      const m = modules.get(children[i])!;
      if (m.total === 0) {
        markHidden(m.path, null);
        i++;
        continue;
      }
      const collapsed = st.collapsed.has(m.path);
      if (!collapsed) {
        modRep.set(m.path, null);
        clusters.push({ path: m.path, type: m.type, parent: parentCluster, depth: m.depth });
        visitChildren(m.children, m.path);
        i++;
        continue;
      }
      let j = i + 1;
      while (j < children.length) {
        const n = modules.get(children[j])!;
        if (n.type !== m.type || !st.collapsed.has(n.path) || n.total === 0) break;
        j++;
      }
      const run = children.slice(i, j);
      const key = foldKey(run[0], run[run.length - 1]);
      if (run.length >= FOLD_MIN && !st.unfolded.has(key)) {
        const vid = `f:${key}`;
        add({
          vid,
          kind: "fold",
          label: `${m.type} × ${run.length}`,
          sub: `${run[0]} … ${run[run.length - 1]}`,
          modules: run,
          members: [],
          parent: parentCluster,
          backwards: new Set(),
          noGrad: true,
        });
        for (const p of run) markHidden(p, vid);
        i = j;
      } else {
        for (const p of run) {
          const vid = `m:${p}`;
          const mm = modules.get(p)!;
          add({
            vid,
            kind: "module",
            label: p,
            sub: mm.type,
            modules: [p],
            members: [],
            parent: parentCluster,
            backwards: new Set(),
            noGrad: true,
          });
          markHidden(p, vid);
        }
        i = j;
      }
    }
  };
  const markHidden = (path: string, vid: string | null) => {
    modRep.set(path, vid);
    for (const c of modules.get(path)!.children) markHidden(c, vid);
  };
  visitChildren(model.roots, null);

  const rep = new Map<string, string>();
  for (const n of model.nodes.values()) {
    const r = n.module ? modRep.get(n.module) : null;
    if (r) {
      rep.set(n.id, r);
      const v = byVid.get(r)!;
      v.members.push(n.id);
      for (const b of n.backwards ?? []) v.backwards.add(b);
      if (n.kind === "op" && n.gradEnabled !== false) v.noGrad = false;
      const s = statusOf(model, n);
      if (s && n.kind !== "op") {
        const c = (v.statusCounts ??= {});
        c[s] = (c[s] ?? 0) + 1;
      }
    } else {
      const vid = `n:${n.id}`;
      rep.set(n.id, vid);
      const status = statusOf(model, n);
      add({
        vid,
        kind: n.kind,
        label: n.label,
        sub: `${shapeText(n.shape)}${n.kind === "op" && n.savedBytes ? " · " + formatBytes(n.savedBytes) : ""}`,
        node: n,
        modules: n.module ? [n.module] : [],
        members: [n.id],
        parent: n.module ?? null,
        backwards: new Set(n.backwards ?? []),
        status,
        noGrad: n.kind === "op" && n.gradEnabled === false,
      });
    }
  }
  for (const v of vnodes) {
    if (v.kind === "module" || v.kind === "fold") {
      const ops = v.members.filter((id) => model.nodes.get(id)!.kind === "op").length;
      const ps = v.members.length - ops;
      const parts = [v.kind === "fold" ? v.sub : v.sub];
      parts.push(`${ps} param${ps === 1 ? "" : "s"} · ${ops} op${ops === 1 ? "" : "s"}`);
      v.sub = parts.join(" · ");
      if (ops === 0) v.noGrad = false;
    }
  }

  const edgeMap = new Map<string, VEdge>();
  for (const e of model.report.graph?.edges ?? []) {
    const a = rep.get(e.from);
    const b = rep.get(e.to);
    if (!a || !b || a === b) continue;
    const kind = e.kind === "detach" ? "detach" : "data";
    const id = `${a}\u0000${b}\u0000${kind}`;
    let ve = edgeMap.get(id);
    if (!ve) {
      ve = { id, from: a, to: b, kind, count: 0, backwards: new Set() };
      edgeMap.set(id, ve);
    }
    ve.count++;
    if (kind === "detach" && e.site && !ve.site) ve.site = e.site;
    if (kind === "data") {
      const fb = model.nodes.get(e.from)!.backwards ?? [];
      const tb = new Set(model.nodes.get(e.to)!.backwards ?? []);
      for (const x of fb) if (tb.has(x)) ve.backwards.add(x);
    }
  }
  return { nodes: vnodes, clusters, edges: [...edgeMap.values()], rep, byVid };
}

/** All modules that contain nodes. */
export function allCollapsible(model: Model): string[] {
  return [...model.modules.values()].filter((m) => m.total > 0).map((m) => m.path);
}

/**
 * Collapsed modules to start with: the top-level modules open as clusters and everything below them
 * collapsed (depth 1), so a model reads as its parts at a glance; when even that is over the threshold,
 * the top level stays collapsed too. Runs of repeated siblings ("Block × 12") stay folded when opening them
 * would not fit.
 */
export function defaultCollapsed(model: Model, threshold = 300, openDepth = 1): Set<string> {
  let collapsed = new Set(allCollapsible(model));
  const maxDepth = Math.min(openDepth - 1, Math.max(0, ...[...model.modules.values()].map((m) => m.depth)));
  // repeated siblings ("Block × 12") stay folded: the user unfolds them
  const repeated = new Set<string>();
  const scan = (children: string[]) => {
    const live = children.filter((c) => model.modules.get(c)!.total > 0);
    for (let i = 0; i < live.length; ) {
      const t = model.modules.get(live[i])!.type;
      let j = i + 1;
      while (j < live.length && model.modules.get(live[j])!.type === t) j++;
      if (j - i >= FOLD_MIN) for (const p of live.slice(i, j)) repeated.add(p);
      i = j;
    }
    for (const c of children) scan(model.modules.get(c)!.children);
  };
  scan(model.roots);
  const fits = (c: Set<string>) => {
    const v = computeView(model, { collapsed: c, unfolded: new Set() });
    return v.nodes.length + v.clusters.length <= threshold;
  };
  for (let d = 0; d <= maxDepth; d++) {
    // the whole level when it fits (four Linear layers read better open); else all but the repeated blocks
    const open = new Set([...collapsed].filter((p) => model.modules.get(p)!.depth !== d));
    const next = fits(open) ? open : new Set([...collapsed].filter((p) => model.modules.get(p)!.depth !== d || isUnder(model, p, repeated)));
    if (next.size === collapsed.size) continue;
    if (next !== open && !fits(next)) break;
    collapsed = next;
  }
  return collapsed;
}

function isUnder(model: Model, path: string, set: Set<string>): boolean {
  for (let cur: string | null = path; cur !== null; cur = model.modules.get(cur)?.parent ?? null) if (set.has(cur)) return true;
  return false;
}

/** Module paths from the top down to (and including) the node's module. */
export function ancestorsOf(model: Model, path: string | null): string[] {
  const out: string[] = [];
  let cur = path;
  const seen = new Set<string>();
  while (cur !== null && !seen.has(cur) && model.modules.has(cur)) {
    seen.add(cur);
    out.unshift(cur);
    cur = model.modules.get(cur)!.parent;
  }
  return out;
}

/** Graph node ids whose label, id or module match the query (case-insensitive substring). */
export function searchNodes(model: Model, query: string): string[] {
  const q = query.trim().toLowerCase();
  if (!q) return [];
  const out: string[] = [];
  for (const n of model.nodes.values()) {
    if (
      n.label.toLowerCase().includes(q) ||
      n.id.toLowerCase().includes(q) ||
      (n.kind !== "op" && n.module !== null && `${n.module}.${n.label}`.toLowerCase().includes(q))
    )
      out.push(n.id);
  }
  return out;
}

export function formatBytes(b: number): string {
  if (!Number.isFinite(b)) return String(b);
  if (b < 1024) return `${b} B`;
  const units = ["KiB", "MiB", "GiB", "TiB"];
  let v = b;
  let i = -1;
  do {
    v /= 1024;
    i++;
  } while (v >= 1024 && i < units.length - 1);
  return `${v < 10 ? v.toFixed(1) : Math.round(v)} ${units[i]}`;
}

export function siteText(s: { file: string; line: number; column: number } | null | undefined): string {
  if (!s) return "—";
  const f = s.file.split(/[\\/]/).pop() ?? s.file;
  return `${f}:${s.line}:${s.column}`;
}
