// Typed builder for hand-made Reports (test/fixtures/reports/*.json) and synthetic large ones
// (benchmarks). Reach, statuses, cuts, byModule and memory are derived from the graph the same way
// the analysis defines them, so the fixtures stay self-consistent.
// Regenerate the JSON fixtures: GRADLENS_WRITE_FIXTURES=1 npx vitest run --config test/vitest.config.mts test/webview/fixtures.test.ts

import type {
  BackwardReport,
  Cause,
  CutReport,
  Finding,
  GraphEdge,
  GraphModule,
  GraphNode,
  OptimizerReport,
  ParameterReport,
  ParamStatus,
  Report,
  SourceSite,
} from "../../src/protocol/report";

type Input = string | { from: string; detach: SourceSite };

interface OpOpts {
  module?: string | null;
  line?: number;
  column?: number;
  savedBytes?: number;
  /** false inside noGrad */
  gradEnabled?: boolean;
  /** label to use when no grad is recorded ("addmm"); default: gradFn without "Backward0", lower-cased */
  plain?: string;
  dtype?: string;
}

const BYTES = 4;
const numel = (shape: number[]) => shape.reduce((a, b) => a * b, 1);

export class ReportBuilder {
  nodes: GraphNode[] = [];
  edges: GraphEdge[] = [];
  modules: GraphModule[] = [];
  private byId = new Map<string, GraphNode>();
  private paramNames: string[] = [];
  private causes = new Map<string, Cause>();
  private optimizers: Array<{ name: string; type: string; line: number; groups: Array<{ lr: number; params: string[] }>; steps: number }> = [];
  private backwardRoots: Array<{ root: string; line: number; column: number }> = [];
  private noGradRegions: Array<{ line: number; column: number; endLine: number; ops: string[] }> = [];
  private frozenSites = new Map<string, SourceSite>();
  private seq = 0;
  findings: Finding[] = [];
  console: string[] = [];

  constructor(public file: string) {}

  site(line: number, column = 1): SourceSite {
    return { file: this.file, line, column };
  }

  module(path: string, type: string, parent: string | null = null) {
    this.modules.push({ path, type, parent });
    return path;
  }

  private add(n: GraphNode) {
    if (this.byId.has(n.id)) throw new Error(`duplicate node id ${n.id}`);
    this.nodes.push(n);
    this.byId.set(n.id, n);
    return n.id;
  }

  leaf(label: string, shape: number[], opts: { requiresGrad?: boolean; line?: number; column?: number; param?: boolean } = {}) {
    const id = `leaf:${label}`;
    this.add({
      id,
      kind: "leaf",
      label,
      shape,
      dtype: "float32",
      module: null,
      site: opts.line ? this.site(opts.line, opts.column ?? 11) : null,
      savedBytes: 0,
      gradNorm: null,
      requiresGrad: !!opts.requiresGrad,
      gradEnabled: true,
      backwards: [],
    });
    if (opts.param) this.paramNames.push(label);
    return id;
  }

  param(name: string, module: string | null, shape: number[], opts: { requiresGrad?: boolean; line?: number; column?: number } = {}) {
    const id = `param:${name}`;
    this.add({
      id,
      kind: "param",
      label: name,
      shape,
      dtype: "float32",
      module,
      site: opts.line ? this.site(opts.line, opts.column ?? 17) : null,
      savedBytes: 0,
      gradNorm: null,
      requiresGrad: opts.requiresGrad ?? true,
      gradEnabled: true,
      backwards: [],
    });
    this.paramNames.push(name);
    return id;
  }

  /** an op; `requiresGrad` follows from its inputs and grad mode */
  op(gradFn: string, inputs: Input[], shape: number[], opts: OpOpts = {}) {
    const gradEnabled = opts.gradEnabled ?? true;
    const reqGrad =
      gradEnabled && inputs.some((i) => typeof i === "string" && this.byId.get(i)!.requiresGrad);
    const plain = opts.plain ?? gradFn.replace(/Backward\d*$/, "").toLowerCase();
    const id = `op:${++this.seq}`;
    this.add({
      id,
      kind: "op",
      label: reqGrad ? gradFn : plain,
      shape,
      dtype: opts.dtype ?? "float32",
      module: opts.module ?? null,
      site: opts.line ? this.site(opts.line, opts.column ?? 5) : null,
      savedBytes: reqGrad ? (opts.savedBytes ?? numel(shape) * BYTES) : 0,
      gradNorm: null,
      requiresGrad: reqGrad,
      gradEnabled,
      backwards: [],
    });
    for (const i of inputs) {
      if (typeof i === "string") this.edges.push({ from: i, to: id, kind: "data" });
      else this.edges.push({ from: i.from, to: id, kind: "detach", site: i.detach });
    }
    return id;
  }

  /** PyTorch's Linear: addmm(bias, x, weight.t()) */
  linear(path: string, x: Input, batch: number, inF: number, outF: number, opts: { line: number; gradEnabled?: boolean; declare?: boolean; parent?: string | null; paramLine?: number }) {
    let w = `param:${path}.weight`;
    let b = `param:${path}.bias`;
    if (!this.byId.has(w)) {
      if (opts.declare !== false) this.module(path, "Linear", opts.parent ?? null);
      w = this.param(`${path}.weight`, path, [outF, inF], { line: opts.paramLine });
      b = this.param(`${path}.bias`, path, [outF], { line: opts.paramLine });
    }
    const ge = opts.gradEnabled ?? true;
    const t = this.op("TBackward0", [w], [inF, outF], { module: path, line: opts.line, gradEnabled: ge, plain: "t", savedBytes: 0 });
    const xIn = typeof x === "string" ? this.byId.get(x)! : null;
    const wReq = this.byId.get(w)!.requiresGrad;
    // addmm saves mat1 (for the weight's grad) and mat2 (for the input's grad) when needed
    const saved = (wReq ? batch * inF : 0) * BYTES + (xIn?.requiresGrad ? inF * outF : 0) * BYTES;
    return this.op("AddmmBackward0", [b, x, t], [batch, outF], { module: path, line: opts.line, gradEnabled: ge, plain: "addmm", savedBytes: saved });
  }

  optimizer(name: string, type: string, line: number, params: string[], lr = 0.01) {
    this.optimizers.push({ name, type, line, groups: [{ lr, params }], steps: 0 });
  }
  step(name: string) {
    this.optimizers.find((o) => o.name === name)!.steps++;
  }
  backward(root: string, line: number, column = 1) {
    this.backwardRoots.push({ root, line, column });
  }
  cause(param: string, c: Omit<Cause, "file">) {
    this.causes.set(param, { file: this.file, ...c });
  }
  noGrad(line: number, endLine: number, ops: string[], column = 1) {
    this.noGradRegions.push({ line, column, endLine, ops });
  }
  frozen(param: string, line: number, column = 1) {
    this.frozenSites.set(param, this.site(line, column));
  }

  /** node ids reached from a root; `skipDetach` turns one detach edge (by site line) into data; `enable` grad-enables ops */
  private reach(root: string, what: { detachLine?: number; enable?: Set<string> } = {}): Set<string> {
    const req = this.requiresGrad(what.enable);
    const inc = new Map<string, GraphEdge[]>();
    for (const e of this.edges) (inc.get(e.to) ?? inc.set(e.to, []).get(e.to)!).push(e);
    const seen = new Set<string>();
    const stack = [root];
    while (stack.length) {
      const id = stack.pop()!;
      if (seen.has(id) || !req.get(id)) continue;
      seen.add(id);
      for (const e of inc.get(id) ?? []) {
        if (e.kind === "detach" && !(what.detachLine !== undefined && e.site?.line === what.detachLine)) continue;
        stack.push(e.from);
      }
    }
    return seen;
  }

  private requiresGrad(enable?: Set<string>): Map<string, boolean> {
    const req = new Map<string, boolean>();
    const inc = new Map<string, GraphEdge[]>();
    for (const e of this.edges) (inc.get(e.to) ?? inc.set(e.to, []).get(e.to)!).push(e);
    for (const n of this.nodes) {
      if (n.kind !== "op") req.set(n.id, n.requiresGrad);
      else {
        const ge = n.gradEnabled || !!enable?.has(n.id);
        req.set(n.id, ge && (inc.get(n.id) ?? []).some((e) => e.kind === "data" && req.get(e.from)));
      }
    }
    return req;
  }

  build(opts: { durationMs?: number } = {}): Report {
    const reachSets = this.backwardRoots.map((b) => this.reach(b.root));
    reachSets.forEach((set, i) => {
      for (const id of set) this.byId.get(id)!.backwards.push(i);
    });
    const paramNode = (name: string) => this.nodes.find((n) => (n.kind === "param" || n.kind === "leaf") && n.label === name)!;
    const topOf = (m: string | null) => {
      if (!m) return null;
      let cur = this.modules.find((x) => x.path === m);
      while (cur?.parent) cur = this.modules.find((x) => x.path === cur!.parent);
      return cur?.path ?? m.split(".")[0];
    };
    // grad norms: deterministic, plausible
    let k = 0;
    for (const n of this.nodes) if (n.backwards.length && n.requiresGrad) n.gradNorm = Math.round((0.05 + ((k++ * 0.6180339887) % 1) * 1.7) * 1e4) / 1e4;

    const parameters: ParameterReport[] = this.paramNames.map((name) => {
      const n = paramNode(name);
      const groups = this.optimizers.flatMap((o) => o.groups.map((g, gi) => ({ o, g, gi }))).filter((x) => x.g.params.includes(name));
      const gotGrad = n.backwards.length > 0;
      const inOpt = groups.length > 0;
      const lrPositive = groups.some((x) => x.g.lr > 0 && x.o.steps > 0);
      let status: ParamStatus;
      let cause: Cause | null = this.causes.get(name) ?? null;
      if (!n.requiresGrad) {
        status = "frozen";
        const s = this.frozenSites.get(name) ?? n.site ?? this.site(1);
        cause ??= { ...s, kind: "requires-grad-false", message: `${name}.requiresGrad = false at ${fileBase(this.file)}:${s.line}: it never receives a gradient` };
      } else if (gotGrad && inOpt && lrPositive) {
        status = "updated";
        cause = null;
      } else if (gotGrad) {
        status = "grad-not-applied";
        const s = n.site ?? this.site(1);
        cause ??= inOpt
          ? { ...s, kind: "lr-zero", message: `${name} gets a gradient but its optimizer group has lr = 0` }
          : { ...s, kind: "not-in-optimizer", message: `${name} gets a gradient but no optimizer holds it` };
      } else if (cause && (cause.kind === "detach" || cause.kind === "no-grad")) {
        status = "cut";
      } else {
        status = "unused";
        const s = n.site ?? this.site(1);
        cause ??= { ...s, kind: "unreachable", message: `no backward() call reaches ${name}` };
      }
      n.status = status;
      return {
        name,
        shape: n.shape,
        numel: numel(n.shape),
        dtype: n.dtype,
        requiresGrad: n.requiresGrad,
        gotGrad,
        gradNorm: n.gradNorm,
        optimizers: [...new Set(groups.map((x) => x.o.name))],
        groups: groups.map((x) => ({ optimizer: x.o.name, group: x.gi, lr: x.g.lr })),
        updated: status === "updated",
        status,
        cause,
        module: n.module,
        site: n.site,
        reachedBy: [...n.backwards],
      };
    });

    const tops = [...new Set(parameters.map((p) => topOf(p.module)).filter((x): x is string => !!x))];
    const backwards: BackwardReport[] = this.backwardRoots.map((b, i) => {
      const reached = parameters.filter((p) => p.reachedBy.includes(i)).map((p) => p.name);
      const byModule: Record<string, number> = {};
      for (const t of tops) byModule[t] = 0;
      for (const p of parameters) if (p.reachedBy.includes(i)) { const t = topOf(p.module); if (t) byModule[t]++; }
      return { ...this.site(b.line, b.column), index: i, reached, byModule };
    });

    const reachedAny = new Set(parameters.filter((p) => p.gotGrad).map((p) => p.name));
    const paramsIn = (set: Set<string>) =>
      this.paramNames.filter((name) => set.has(paramNode(name).id));
    const cuts: CutReport[] = [];
    const detachLines = [...new Set(this.edges.filter((e) => e.kind === "detach").map((e) => e.site!.line))];
    for (const line of detachLines) {
      const e = this.edges.find((x) => x.kind === "detach" && x.site!.line === line)!;
      const blocked = new Set<string>();
      for (const b of this.backwardRoots) {
        const normal = this.reach(b.root);
        const alt = this.reach(b.root, { detachLine: line });
        for (const p of paramsIn(alt)) if (!normal.has(paramNode(p).id)) blocked.add(p);
      }
      cuts.push({ ...e.site!, kind: "detach", blocked: [...blocked], gotGradElsewhere: [...blocked].filter((p) => reachedAny.has(p)) });
    }
    for (const r of this.noGradRegions) {
      const blocked = new Set<string>();
      const enable = new Set(r.ops);
      for (const b of this.backwardRoots) {
        const alt = this.reach(b.root, { enable });
        const normal = this.reach(b.root);
        for (const p of paramsIn(alt)) if (!normal.has(paramNode(p).id)) blocked.add(p);
      }
      // params used only inside the region
      for (const id of r.ops) for (const e of this.edges) if (e.to === id) {
        const n = this.byId.get(e.from)!;
        if (n.kind === "param" && !reachedAny.has(n.label)) blocked.add(n.label);
      }
      cuts.push({ ...this.site(r.line, r.column), kind: "no-grad", blocked: [...blocked], gotGradElsewhere: [...blocked].filter((p) => reachedAny.has(p)), endLine: r.endLine });
    }
    const frozenBy = new Map<number, string[]>();
    for (const [p, s] of this.frozenSites) (frozenBy.get(s.line) ?? frozenBy.set(s.line, []).get(s.line)!).push(p);
    for (const [line, ps] of frozenBy) cuts.push({ ...this.site(line, this.frozenSites.get(ps[0])!.column), kind: "requires-grad-false", blocked: ps, gotGradElsewhere: [] });

    const optimizers: OptimizerReport[] = this.optimizers.map((o) => ({
      ...this.site(o.line, 13),
      name: o.name,
      type: o.type,
      groups: o.groups.map((g, i) => ({ index: i, lr: g.lr, params: g.params })),
      steps: o.steps,
    }));

    const total = this.nodes.reduce((a, n) => a + n.savedBytes, 0);
    const byMod = new Map<string, number>();
    for (const n of this.nodes) {
      const t = topOf(n.module);
      if (t && n.savedBytes) byMod.set(t, (byMod.get(t) ?? 0) + n.savedBytes);
    }
    return {
      version: 1,
      file: this.file,
      parameters,
      findings: this.findings,
      backwards,
      cuts,
      optimizers,
      memory: {
        totalSavedBytes: total,
        byModule: [...byMod].map(([module, savedBytes]) => ({ module, savedBytes })),
        freezingSaves: [...byMod].map(([module, bytes]) => ({ module, bytes: Math.round(bytes / 2) })),
      },
      graph: { nodes: this.nodes, edges: this.edges, modules: this.modules },
      stopped: { reason: "end-of-file", message: "The file ran to the end." },
      error: null,
      console: this.console,
      durationMs: opts.durationMs ?? 42,
    };
  }
}

export function fileBase(f: string) {
  return f.split(/[\\/]/).pop() ?? f;
}

// ---------------------------------------------------------------------------------------------
// The hand-made fixtures

/** The article's branch: y = x², z = y·q, loss = Σz; with `detach`, y.detach() cuts x off. */
export function branchReport(detach: boolean): Report {
  const file = detach ? "examples/branch-detach.ts" : "examples/branch.ts";
  const r = new ReportBuilder(file);
  const x = r.leaf("x", [3], { requiresGrad: true, line: 3, column: 7, param: true });
  const q = r.leaf("q", [3], { requiresGrad: true, line: 4, column: 7, param: true });
  r.optimizer("opt", "SGD", 5, ["x", "q"], 0.1);
  const y = r.op("PowBackward0", [x], [3], { line: 6, column: 13, savedBytes: 12 });
  const mulIn: Input = detach ? { from: y, detach: r.site(7, 15) } : y;
  const z = r.op("MulBackward0", [mulIn, q], [3], { line: 7, column: detach ? 26 : 15, savedBytes: detach ? 12 : 24 });
  const loss = r.op("SumBackward0", [z], [], { line: 8, column: 16, savedBytes: 0 });
  r.backward(loss, 9, 1);
  r.step("opt");
  if (detach) {
    r.cause("x", { line: 7, column: 15, kind: "detach", message: "y.detach() at branch-detach.ts:7 stops every gradient to x" });
  }
  const rep = r.build({ durationMs: 12 });
  if (detach) {
    rep.findings.push({
      ...r.site(7, 15),
      code: "GL001",
      severity: "error",
      message: "x never receives a gradient: y.detach() at line 7 cuts the only path from the loss to it.",
      parameters: ["x"],
      related: [{ ...r.site(3, 7), message: "x is created here" }, { ...r.site(9, 1), message: "loss.backward() is called here" }],
    });
  }
  return rep;
}

type ChainVariant = "detach" | "nograd" | "frozen";

/** The article's chain of four Linear layers lin0..lin3 (4→8→8→8→1), with one defect in the middle. */
export function chainReport(variant: ChainVariant): Report {
  const file = `examples/chain-${variant}.ts`;
  const r = new ReportBuilder(file);
  const B = 16;
  const dims = [4, 8, 8, 8, 1];
  for (let i = 0; i < 4; i++) r.module(`lin${i}`, "Linear");
  const x = r.leaf("x", [B, 4], { line: 9, column: 7 });
  const yT = r.leaf("y", [B, 1], { line: 10, column: 7 });
  const names = [0, 1, 2, 3].flatMap((i) => [`lin${i}.weight`, `lin${i}.bias`]);
  // forward: lines 14..
  let h: string = x;
  for (let i = 0; i < 4; i++) {
    const line = 14 + i * 2;
    const ng = variant === "nograd" && i === 1;
    const frozen = variant === "frozen" && i === 1;
    const w = r.param(`lin${i}.weight`, `lin${i}`, [dims[i + 1], dims[i]], { line: 5 + i, column: 14, requiresGrad: !frozen });
    r.param(`lin${i}.bias`, `lin${i}`, [dims[i + 1]], { line: 5 + i, column: 14, requiresGrad: !frozen });
    void w;
    let input: Input = h;
    if (variant === "detach" && i === 2) input = { from: h, detach: r.site(line - 1, 14) };
    const out = r.linear(`lin${i}`, input, B, dims[i], dims[i + 1], { line, gradEnabled: !ng, declare: false });
    h = i < 3 ? r.op("ReluBackward0", [out], [B, dims[i + 1]], { line, column: 14, gradEnabled: !ng, plain: "relu" }) : out;
  }
  if (variant === "frozen") for (const n of ["lin1.weight", "lin1.bias"]) r.frozen(n, 12, 26);
  r.optimizer("opt", "SGD", 12 + (variant === "frozen" ? 1 : 0), names, 0.01);
  const loss = r.op("MseLossBackward0", [h, yT], [], { line: 22, column: 14, savedBytes: B * 2 * 4 });
  r.backward(loss, 23);
  r.step("opt");
  if (variant === "detach") {
    for (const n of names.slice(0, 4))
      r.cause(n, { line: 17, column: 14, kind: "detach", message: `h1.detach() at chain-detach.ts:17 stops every gradient to ${n}` });
  }
  if (variant === "nograd") {
    const region = r.nodes.filter((n) => n.kind === "op" && !n.gradEnabled).map((n) => n.id);
    r.noGrad(16, 16, region, 12);
    for (const n of names.slice(0, 4))
      r.cause(n, { line: 16, column: 12, kind: "no-grad", message: `noGrad at chain-nograd.ts:16 computes lin1 without recording a graph, so no gradient reaches ${n}` });
  }
  const rep = r.build({ durationMs: 18 });
  const cut = rep.parameters.filter((p) => p.status === "cut").map((p) => p.name);
  if (variant === "detach" || variant === "nograd") {
    rep.findings.push({
      ...(variant === "detach" ? r.site(17, 14) : r.site(16, 12)),
      code: variant === "detach" ? "GL001" : "GL002",
      severity: "error",
      message: `${cut.length} parameters (${cut.join(", ")}) never receive a gradient: ${variant === "detach" ? "h1.detach()" : "noGrad"} cuts them off from the loss.`,
      parameters: cut,
      related: [{ ...r.site(23, 1), message: "loss.backward() is called here" }],
    });
  } else {
    rep.findings.push({
      ...r.site(12, 26),
      code: "GL003",
      severity: "info",
      message: "lin1 is frozen (requiresGrad = false); gradients still flow through it to lin0.",
      parameters: ["lin1.weight", "lin1.bias"],
      related: [],
    });
  }
  return rep;
}

/** A GAN: G (z → fake) and D (x → logit), D's step on detached fakes, then G's step through D. */
export function ganReport(withDetach: boolean): Report {
  const file = withDetach ? "examples/gan.ts" : "examples/gan-no-detach.ts";
  const r = new ReportBuilder(file);
  const B = 8;
  r.module("G", "Generator");
  r.module("G.fc1", "Linear", "G");
  r.module("G.fc2", "Linear", "G");
  r.module("D", "Discriminator");
  r.module("D.fc1", "Linear", "D");
  r.module("D.fc2", "Linear", "D");
  const g = ["G.fc1.weight", "G.fc1.bias", "G.fc2.weight", "G.fc2.bias"];
  const d = ["D.fc1.weight", "D.fc1.bias", "D.fc2.weight", "D.fc2.bias"];
  r.optimizer("optG", "Adam", 29, g, 2e-4);
  r.optimizer("optD", "Adam", 30, d, 2e-4);
  const z = r.leaf("z", [B, 4], { line: 24, column: 7 });
  const real = r.leaf("real", [B, 2], { line: 25, column: 7 });
  const ones = r.leaf("ones", [B, 1], { line: 26, column: 7 });
  const zeros = r.leaf("zeros", [B, 1], { line: 27, column: 7 });
  const G = (x: Input, line: number) => {
    const a = r.linear("G.fc1", x, B, 4, 16, { line: 6, declare: false, paramLine: 4 });
    const h = r.op("ReluBackward0", [a], [B, 16], { module: "G", line: 6, column: 12 });
    const o = r.linear("G.fc2", h, B, 16, 2, { line: 7, declare: false, paramLine: 5 });
    void line;
    return r.op("TanhBackward0", [o], [B, 2], { module: "G", line: 7, column: 12 });
  };
  const D = (x: Input) => {
    const a = r.linear("D.fc1", x, B, 2, 16, { line: 16, declare: false, paramLine: 14 });
    const h = r.op("LeakyReluBackward0", [a], [B, 16], { module: "D", line: 16, column: 12 });
    return r.linear("D.fc2", h, B, 16, 1, { line: 17, declare: false, paramLine: 15 });
  };
  const bce = (x: string, t: string, line: number, column: number) =>
    r.op("BinaryCrossEntropyWithLogitsBackward0", [x, t], [], { line, column, savedBytes: B * 2 * 4 });
  const fake = G(z, 31);
  const dReal = D(real);
  const dFake = D(withDetach ? { from: fake, detach: r.site(34, 31) } : fake);
  const lossD = r.op("AddBackward0", [bce(dReal, ones, 35, 17), bce(dFake, zeros, 35, 40)], [], { line: 35, column: 17, savedBytes: 0 });
  r.backward(lossD, 37, 1);
  r.step("optD");
  const dOut = D(fake);
  const lossG = bce(dOut, ones, 41, 17);
  r.backward(lossG, 43, 1);
  r.step("optG");
  const rep = r.build({ durationMs: 31 });
  if (!withDetach) {
    rep.findings.push({
      ...r.site(37, 1),
      code: "GL010",
      severity: "warning",
      message: "lossD.backward() at line 37 also sends gradient into G (4 parameters): D's loss should not train G. Use fake.detach() when computing D's loss.",
      parameters: g,
      related: [{ ...r.site(34, 31), message: "the generator output enters D's loss here without detach()" }],
    });
  }
  return rep;
}

/** a GAN loop run for `iterations` iterations: D's step (fake detached), then G's; `opsOf`: the ops each iteration ran */
export function ganLoop(iterations: number): { report: Report; opsOf: string[][] } {
  const r = new ReportBuilder("gan_loop.ts");
  const B = 4;
  r.module("G", "Generator");
  r.module("D", "Discriminator");
  r.optimizer("optG", "Adam", 20, ["G.fc.weight", "G.fc.bias"]);
  r.optimizer("optD", "Adam", 21, ["D.fc.weight", "D.fc.bias"]);
  const ones = r.leaf("ones", [B, 1], { line: 22 });
  const opsOf: string[][] = [];
  for (let i = 0; i < iterations; i++) {
    const before = new Set(r.nodes.map((n) => n.id));
    const z = r.leaf(i === 0 ? "z" : `z#${i + 1}`, [B, 2], { line: 25 });
    const fake = r.linear("G.fc", z, B, 2, 2, { line: 5, parent: "G" });
    const dFake = r.linear("D.fc", { from: fake, detach: r.site(27, 20) }, B, 2, 1, { line: 12, parent: "D" });
    const lossD = r.op("BinaryCrossEntropyWithLogitsBackward0", [dFake, ones], [], { line: 28 });
    r.backward(lossD, 29, 11);
    r.step("optD");
    const dOut = r.linear("D.fc", fake, B, 2, 1, { line: 12, parent: "D" });
    const lossG = r.op("BinaryCrossEntropyWithLogitsBackward0", [dOut, ones], [], { line: 31 });
    r.backward(lossG, 32, 11);
    r.step("optG");
    opsOf.push(r.nodes.filter((n) => n.kind === "op" && !before.has(n.id)).map((n) => n.id));
  }
  return { report: r.build(), opsOf };
}

/** Names that are markup: must be rendered as text. */
export const XSS_NAME = "<img src=x onerror=alert(1)>";
export function xssReport(): Report {
  const r = new ReportBuilder('examples/"><svg onload=alert(2)>.ts');
  const mod = "<script>alert(3)</script>";
  r.module(mod, "<b>Linear</b>");
  const x = r.leaf("x", [2, 3], { line: 2 });
  const w = r.param(XSS_NAME, mod, [4, 3], { line: 3 });
  const b = r.param(`${mod}.bias" onmouseover="alert(4)`, mod, [4], { line: 3 });
  const t = r.op("TBackward0", [w], [3, 4], { module: mod, line: 5 });
  const a = r.op("AddmmBackward0", [b, x, t], [2, 4], { module: mod, line: 5 });
  const loss = r.op("SumBackward0", [a], [], { line: 6 });
  r.backward(loss, 7);
  r.optimizer("<i>opt</i>", "SGD", 4, [XSS_NAME], 0.1);
  r.step("<i>opt</i>");
  return r.build();
}

export const FIXTURES: Record<string, () => Report> = {
  "branch.json": () => branchReport(false),
  "branch-detach.json": () => branchReport(true),
  "chain-detach.json": () => chainReport("detach"),
  "chain-nograd.json": () => chainReport("nograd"),
  "chain-frozen.json": () => chainReport("frozen"),
  "gan.json": () => ganReport(true),
  "gan-no-detach.json": () => ganReport(false),
  "xss.json": () => xssReport(),
};

// ---------------------------------------------------------------------------------------------
// Synthetic large reports

/**
 * A transformer-like stack: `blocks` Block modules (each with attn.{q,k,v,o} and mlp.{fc1,fc2}
 * Linear children plus elementwise ops) under a ModuleList "blocks", an embedding and a head.
 * `extraOps` adds elementwise ops per block to reach a target size.
 */
export function syntheticReport(opts: { blocks: number; extraOps?: number; batch?: number; d?: number }): Report {
  const r = new ReportBuilder("examples/synthetic.ts");
  const B = opts.batch ?? 32;
  const D = opts.d ?? 64;
  r.module("embed", "Linear");
  r.module("blocks", "ModuleList");
  const x = r.leaf("tokens", [B, 16], { line: 3 });
  let h = r.linear("embed", x, B, 16, D, { line: 10, declare: false, paramLine: 4 });
  const params: string[] = ["embed.weight", "embed.bias"];
  for (let i = 0; i < opts.blocks; i++) {
    const p = `blocks.${i}`;
    r.module(p, "Block", "blocks");
    r.module(`${p}.attn`, "Attention", p);
    r.module(`${p}.mlp`, "MLP", p);
    for (const n of ["q", "k", "v", "o"]) r.module(`${p}.attn.${n}`, "Linear", `${p}.attn`);
    for (const n of ["fc1", "fc2"]) r.module(`${p}.mlp.${n}`, "Linear", `${p}.mlp`);
    const ln1 = r.op("NativeLayerNormBackward0", [h], [B, D], { module: p, line: 20 });
    const q = r.linear(`${p}.attn.q`, ln1, B, D, D, { line: 21, declare: false, paramLine: 5 });
    const k = r.linear(`${p}.attn.k`, ln1, B, D, D, { line: 21, declare: false, paramLine: 5 });
    const v = r.linear(`${p}.attn.v`, ln1, B, D, D, { line: 21, declare: false, paramLine: 5 });
    const kt = r.op("TBackward0", [k], [D, B], { module: `${p}.attn`, line: 22 });
    const s = r.op("MmBackward0", [q, kt], [B, B], { module: `${p}.attn`, line: 22 });
    const sm = r.op("SoftmaxBackward0", [s], [B, B], { module: `${p}.attn`, line: 23 });
    const av = r.op("MmBackward0", [sm, v], [B, D], { module: `${p}.attn`, line: 24 });
    const o = r.linear(`${p}.attn.o`, av, B, D, D, { line: 25, declare: false, paramLine: 5 });
    const res1 = r.op("AddBackward0", [h, o], [B, D], { module: p, line: 26 });
    const ln2 = r.op("NativeLayerNormBackward0", [res1], [B, D], { module: p, line: 27 });
    const f1 = r.linear(`${p}.mlp.fc1`, ln2, B, D, 4 * D, { line: 28, declare: false, paramLine: 6 });
    let g = r.op("GeluBackward0", [f1], [B, 4 * D], { module: `${p}.mlp`, line: 28 });
    for (let j = 0; j < (opts.extraOps ?? 0); j++)
      g = r.op(j % 2 ? "MulBackward0" : "AddBackward0", [g], [B, 4 * D], { module: `${p}.mlp`, line: 29 });
    const f2 = r.linear(`${p}.mlp.fc2`, g, B, 4 * D, D, { line: 30, declare: false, paramLine: 6 });
    h = r.op("AddBackward0", [res1, f2], [B, D], { module: p, line: 31 });
    for (const n of ["attn.q", "attn.k", "attn.v", "attn.o", "mlp.fc1", "mlp.fc2"]) params.push(`${p}.${n}.weight`, `${p}.${n}.bias`);
  }
  r.module("head", "Linear");
  const out = r.linear("head", h, B, D, 10, { line: 40, declare: false, paramLine: 7 });
  const y = r.leaf("labels", [B], { line: 41 });
  const loss = r.op("NllLossBackward0", [r.op("LogSoftmaxBackward0", [out], [B, 10], { line: 42 }), y], [], { line: 42 });
  r.backward(loss, 43);
  params.push("head.weight", "head.bias");
  r.optimizer("opt", "AdamW", 8, params, 1e-3);
  r.step("opt");
  return r.build({ durationMs: 900 });
}

/** about `n` graph nodes in total (n < 10000), or at least `n` op nodes (n ≥ 10000) */
export function syntheticOfSize(n: number): Report {
  // per block without extras: 1 ln + 6 linears×(2 params + 2 ops) + 4 attn ops + 1 add + 1 ln + 1 gelu + 1 add = 33
  // per block: 20 ops + 12 params; n ≥ 10000 counts op nodes only
  const blocks = n >= 10000 ? 100 : 12;
  const extra = n >= 10000 ? Math.max(0, Math.ceil(n / blocks) - 20) : Math.max(0, Math.round((n - 20) / blocks) - 33);
  return syntheticReport({ blocks, extraOps: extra });
}
