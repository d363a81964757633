import type { Finding, ParameterReport, RelatedSite, Severity } from "../protocol/report";
import type { OpInput, Site, ZeroGradRecord } from "../trace/schema";
import type { TraceIndex } from "./traceIndex";
import { describeCut, type CutSiteRegistry } from "./cutSites";
import type { BackwardReach } from "./reach";
import { onlySkippedSteps, type GradTimeline, type GradUse } from "./gradTimeline";
import type { ParamFacts } from "./paramStatus";
import { attributeSaved, type MemoryAnalysis } from "./memory";
import { listNames, toSourceSite, where } from "./sites";
import { ruleFor } from "./rules";

// The rules behind the finding codes. Each rule is documented (meaning, example, fix) in
// docs/findings.md under a heading that starts with its code. Codes are stable: never renumber.

export interface FindingContext {
  index: TraceIndex;
  registry: CutSiteRegistry;
  reaches: BackwardReach[];
  timeline: GradTimeline;
  facts: ParamFacts[];
  parameters: ParameterReport[];
  memory: MemoryAnalysis;
}

/** Collects findings that share a key (same code and sites) into one, listing every parameter. */
class FindingSet {
  private readonly byKey = new Map<string, Finding & { params: Set<string> }>();

  add(
    key: string, code: string, severity: Severity, site: Site | null, file: string,
    message: (params: string[]) => string, params: string[], related: RelatedSite[],
  ): void {
    ruleFor(code, severity);
    const k = `${code}|${key}`;
    let f = this.byKey.get(k);
    if (f === undefined) {
      f = { ...toSourceSite(site, file), code, severity, message: "", parameters: [], related, params: new Set() };
      (f as { render?: (p: string[]) => string }).render = message;
      this.byKey.set(k, f);
    }
    for (const p of params) f.params.add(p);
  }

  list(sortNames: (names: string[]) => string[]): Finding[] {
    const out: Finding[] = [];
    for (const f of this.byKey.values()) {
      const params = sortNames([...f.params]);
      const render = (f as unknown as { render: (p: string[]) => string }).render;
      out.push({
        file: f.file, line: f.line, column: f.column, code: f.code, severity: f.severity,
        message: render(params), parameters: params, related: dedupeRelated(f.related),
      });
    }
    const rank: Record<Severity, number> = { error: 0, warning: 1, info: 2 };
    return out.sort((a, b) => rank[a.severity] - rank[b.severity] || a.code.localeCompare(b.code) || a.line - b.line);
  }
}

function dedupeRelated(related: RelatedSite[]): RelatedSite[] {
  const seen = new Set<string>();
  return related.filter((r) => {
    const k = `${r.file}:${r.line}:${r.column}:${r.message}`;
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}

const siteKey = (s: Site | null) => (s === null ? "?" : `${s.file}:${s.line}:${s.column}`);

function related(site: Site | null, file: string, message: string): RelatedSite[] {
  return site === null ? [] : [{ ...toSourceSite(site, file), message }];
}

export function buildFindings(ctx: FindingContext): Finding[] {
  const set = new FindingSet();
  const gl001 = neverGetGradient(ctx, set);
  gradNotApplied(ctx, set);
  discardedGradient(ctx, set);
  frozenInOptimizer(ctx, set);
  notInOptimizer(ctx, set);
  accumulation(ctx, set);
  cutInTraining(ctx, set, gl001);
  frozenBatchNorm(ctx, set);
  movedWithoutGradient(ctx, set);
  frozenModuleMemory(ctx, set);
  wastedBackward(ctx, set);
  const order = new Map(ctx.parameters.map((p, i) => [p.name, i]));
  return set.list((names) => names.sort((a, b) => (order.get(a) ?? 1e9) - (order.get(b) ?? 1e9)));
}

const isIn = (v: string[]) => (v.length === 1 ? "is" : "are");

/** GL001: trainable, in an optimizer, never gets a gradient. Returns the parameter indices reported. */
function neverGetGradient(ctx: FindingContext, set: FindingSet): Set<number> {
  const { index, timeline, facts, parameters } = ctx;
  const trace = index.trace;
  const reported = new Set<number>();
  parameters.forEach((p, i) => {
    if ((p.status !== "cut" && p.status !== "unused") || timeline.memberships[i].length === 0) return;
    reported.add(i);
    const opt = trace.optimizers[timeline.memberships[i][0].optimizer];
    const cut = facts[i].cut;
    const optRelated = related(opt.site, trace.file, `${opt.name} steps them`);
    if (p.status === "cut" && cut !== null) {
      const also = cut.also.flatMap((c) => related(c.site, trace.file, `${describeCut(c)} also cuts them`));
      set.add(
        `${cut.primary.id}|${opt.id}`, "GL001", "error", cut.primary.site, trace.file,
        (names) =>
          `${listNames(names)} ${isIn(names)} in ${opt.name} (${where(opt.site)}) but never receive${names.length === 1 ? "s" : ""} a gradient: ` +
          `${describeCut(cut.primary)} at ${where(cut.primary.site)} stops it`,
        [p.name], [...optRelated, ...also],
      );
    } else {
      set.add(
        `unused|${opt.id}`, "GL001", "error", opt.site, trace.file,
        (names) =>
          `${listNames(names)} ${isIn(names)} in ${opt.name} but never receive${names.length === 1 ? "s" : ""} a gradient: ` +
          (trace.backwards.length === 0 ? "no backward() was called" : "no backward() reaches them (not used, or not on the way to the loss)"),
        [p.name], related(index.params[i].leaf.site, trace.file, `${p.name} is created here`),
      );
    }
  });
  return reported;
}

/** GL002: a gradient is computed but its optimizer group has lr 0 or never stepped. */
function gradNotApplied(ctx: FindingContext, set: FindingSet): void {
  const { index, parameters } = ctx;
  const trace = index.trace;
  for (const p of parameters) {
    if (p.status !== "grad-not-applied" || p.cause === null) continue;
    if (p.cause.kind !== "lr-zero" && p.cause.kind !== "not-stepped") continue;
    const g = p.groups.find((x) => (p.cause!.kind === "lr-zero" ? x.lr === 0 : x.lr !== 0))!;
    const opt = trace.optimizers.find((o) => o.name === g.optimizer)!;
    const bySchedule = p.cause.kind === "lr-zero" && p.cause.message.includes("(scheduler:");
    // mixed precision whose every step overflowed: the parameters are meant to train, freezing is the wrong advice
    const skipped = p.cause.kind === "not-stepped" && onlySkippedSteps(trace, opt.id);
    const why = bySchedule
      ? `every step of ${g.optimizer} that ran used lr 0 for group ${g.group} (scheduler)`
      : p.cause.kind === "lr-zero" ? `group ${g.group} of ${g.optimizer} has lr = 0`
      : skipped ? `GradScaler skipped every ${g.optimizer}.step() of the run: the gradients were inf or NaN each time` : `${g.optimizer}.step() never ran while they held one`;
    const advice = skipped
      ? "look for what overflows or turns NaN in the loss, or start GradScaler at a lower init_scale"
      : "if they are meant to stay fixed, freeze them with requiresGrad_(false) or run them under noGrad";
    set.add(
      `${p.cause.kind}|${opt.id}|${g.group}|${bySchedule}`, "GL002", "warning", opt.site, trace.file,
      (names) => `backward() computes a gradient for ${listNames(names)} that is never applied (${why}); ${advice}`,
      [p.name], [],
    );
  }
}

/**
 * GL002, a clear between micro-batches: the gradient of a backward() is cleared before the optimizer
 * it was for (the first to step after it) read it, and that step reads just one run of the same
 * backward() line — zeroGrad() sits inside the accumulation loop, before backward(), so each step
 * applies only the last micro-batch. Silent on a clear at an epoch's start that drops a last partial
 * window (the next step reads a whole window: several runs of the line), and on LBFGS, whose step
 * calls its closure (zeroGrad, backward) several times.
 */
function discardedGradient(ctx: FindingContext, set: FindingSet): void {
  const { index, timeline } = ctx;
  const trace = index.trace;
  const bw = (b: number) => trace.backwards[b];
  const usesOf = new Map<string, GradUse[]>();
  for (const u of timeline.uses) {
    if (u.step === null) continue;
    const key = `${u.step.optimizer}|${u.param}`;
    const list = usesOf.get(key) ?? [];
    list.push(u);
    usesOf.set(key, list);
  }
  for (const d of timeline.discards) {
    for (const b of d.backwards) {
      const owner = timeline.ownerOf[b];
      if (owner === null || trace.optimizers[owner].className === "LBFGS") continue;
      const read = usesOf.get(`${owner}|${d.param}`)?.find((u) => u.step!.seq > d.zero.seq);
      if (read === undefined || read.contributions.filter((c) => sameSiteOf(bw(c).site, bw(b).site)).length !== 1) continue;
      const opt = trace.optimizers[owner];
      const step = read.step!;
      set.add(
        `discard|${siteKey(d.zero.site)}|${siteKey(bw(b).site)}|${owner}`, "GL002", "warning", d.zero.site, trace.file,
        (names) =>
          `${clearName(trace, d.zero)} at ${where(d.zero.site)} clears the gradient that backward() at ${where(bw(b).site)} computed for ` +
          `${listNames(names)} before ${opt.name}.step() at ${where(step.site)} used it, so each step applies only the last backward()'s gradient; ` +
          `to accumulate gradients over micro-batches, clear them after step() (or once before the loop), not before each backward()`,
        [index.params[d.param].leaf.name],
        [...related(bw(b).site, trace.file, "computes the gradient that is thrown away"), ...related(step.site, trace.file, `${opt.name}.step() applies only the last one`)],
      );
      break;
    }
  }
}

/** "opt.zeroGrad()", "model.zeroGrad()", or the hand-written `p.grad = null` / `p.grad.zero_()`. */
function clearName(trace: FindingContext["index"]["trace"], rec: ZeroGradRecord): string {
  const owner = rec.owner;
  if (owner.kind === "optimizer") return `${trace.optimizers[owner.optimizer]?.name ?? "optimizer"}.zeroGrad()`;
  if (owner.kind === "module") return `${trace.modules[owner.module]?.path || "module"}.zeroGrad()`;
  if (owner.kind === "assignment") return "the hand-written clear of .grad";
  return "zeroGrad()";
}

/** GL003: frozen parameters handed to an optimizer. */
function frozenInOptimizer(ctx: FindingContext, set: FindingSet): void {
  const { index, parameters, timeline } = ctx;
  const trace = index.trace;
  parameters.forEach((p, i) => {
    if (p.requiresGrad) return;
    for (const m of timeline.memberships[i]) {
      const opt = trace.optimizers[m.optimizer];
      const freeze = index.lastFreeze(index.params[i].leaf.id);
      set.add(
        `${opt.id}`, "GL003", "info", opt.site, trace.file,
        (names) => `${opt.name} holds frozen parameters (${listNames(names)}); they get no gradient and the optimizer skips them`,
        [p.name], related(freeze?.site ?? null, trace.file, "frozen here"),
      );
    }
  });
}

/**
 * GL004: a gradient computed for a parameter no optimizer holds while other parameters are in one.
 * Parameters that never get a gradient (a DQN target net or a distillation teacher, used only under
 * noGrad or after detach) are deliberately not trained; hand-updated parameters are trained.
 */
function notInOptimizer(ctx: FindingContext, set: FindingSet): void {
  const { index, parameters, timeline } = ctx;
  const trace = index.trace;
  const anyHeld = timeline.memberships.some((m) => m.length > 0);
  if (!anyHeld) return;
  const opt = trace.optimizers.find((o) => o.groups.some((g) => g.params.length > 0))!;
  parameters.forEach((p, i) => {
    if (p.status !== "grad-not-applied" || p.cause?.kind !== "not-in-optimizer" || index.params[i].leaf.kind !== "parameter") return;
    const names = opt.name;
    set.add(
      "", "GL004", "warning", opt.site, trace.file,
      (list) =>
        `backward() computes a gradient for ${listNames(list)}, but no optimizer holds ${list.length === 1 ? "it" : "them"} ` +
        `(${names} trains the others); add ${list.length === 1 ? "it" : "them"} to the optimizer, or freeze with requiresGrad_(false) so no gradient is computed`,
      [p.name], related(index.params[i].leaf.site, trace.file, `${p.name} is created here`),
    );
  });
}

/** GL005 and GL006: what an optimizer step (or the end of the run) read from .grad. */
function accumulation(ctx: FindingContext, set: FindingSet): void {
  const { index, timeline } = ctx;
  const trace = index.trace;
  const bw = (b: number) => trace.backwards[b];
  for (const use of timeline.uses) {
    const name = index.params[use.param].leaf.name;
    const contributions = use.contributions;
    if (contributions.length === 0) continue;
    // a step GradScaler skipped applied nothing; the steps that ran say what was applied
    if (use.step?.skipped === true) continue;
    if (use.step !== null) {
      const stepOpt = use.step.optimizer;
      const stale = contributions.filter((b) => timeline.ownersOf[b].length > 0 && !timeline.ownersOf[b].includes(stepOpt));
      if (stale.length > 0) {
        const opt = trace.optimizers[stepOpt];
        const others = [...new Set(stale.flatMap((b) => timeline.ownersOf[b]))].map((o) => trace.optimizers[o]);
        const staleSites = [...new Map(stale.map((b) => [siteKey(bw(b).site), bw(b)])).values()];
        const rel = [
          ...staleSites.flatMap((b) => related(b.site, trace.file, `this backward() left the gradient (it was for ${others.map((o) => o.name).join(", ")})`)),
          ...others.flatMap((o) => related(o.site, trace.file, `${o.name} used it first`)),
        ];
        set.add(
          `${siteKey(use.step.site)}|${staleSites.map((b) => siteKey(b.site)).join(",")}`, "GL006", "error", use.step.site, trace.file,
          (names) =>
            `${opt.name}.step() updates ${listNames(names)} with gradient left by backward() at ${staleSites.map((b) => where(b.site)).join(", ")}, ` +
            `which was meant for ${others.map((o) => o.name).join(", ")}: call ${opt.name}.zeroGrad() before this loss's backward(), or detach() the other loss's input`,
          [name], rel,
        );
        continue;
      }
    }
    const sites = [...new Map(contributions.map((b) => [siteKey(bw(b).site), bw(b)])).values()];
    const reader = use.step?.site ?? bw(contributions[contributions.length - 1]).site;
    const stepper = use.step !== null ? trace.optimizers[use.step.optimizer].name : null;
    const what = stepper !== null ? `${stepper}.step() uses the gradient of` : "the .grad of";
    const spansIterations = use.step === null ? spansIteration(contributions.map((b) => siteKey(bw(b).site))) : use.stale.length > 0;
    if (spansIterations) {
      set.add(
        `stale|${siteKey(reader)}`, "GL005", "warning", reader, trace.file,
        (names) =>
          `${what} ${listNames(names)} ${stepper !== null ? "" : "holds gradient "}summed over ${contributions.length} backward() calls since it was last cleared, ` +
          `including the gradient of an earlier iteration${use.step !== null ? " that a previous step already applied" : ""}; ` +
          `call ${stepper !== null ? `${stepper}.zeroGrad()` : "zeroGrad() (or set .grad = null)"} once per iteration, before backward()`,
        [name], sites.flatMap((b) => related(b.site, trace.file, "adds into .grad here")),
      );
      continue;
    }
    const reused = sharedGraph(ctx, contributions);
    if (reused === null) continue; // separate losses summed into one step, or micro-batches: on purpose
    set.add(
      `${siteKey(reader)}|${sites.map((b) => siteKey(b.site)).join(",")}`, "GL005", "warning", reader, trace.file,
      (names) =>
        `${stepper !== null ? `${stepper}.step() uses the gradient of ${listNames(names)}` : `the .grad of ${listNames(names)} holds gradient`} ` +
        `accumulated from ${sites.length} different backward() calls (${sites.map((b) => where(b.site)).join(", ")}), and the one at ${where(bw(reused[1]).site)} ` +
        `backpropagates again through the graph that the one at ${where(bw(reused[0]).site)} kept with retainGraph, with no zeroGrad() between them; ` +
        `clear the gradients in between, or detach() what the second loss reuses`,
      [name], sites.flatMap((b) => related(b.site, trace.file, "adds into .grad here")),
    );
  }
}

/**
 * Without an optimizer there is no step to mark an iteration: the gradient spans iterations when a
 * backward() line runs again after a different one (7, 8, 7): a loop that never clears.
 */
function spansIteration(sites: string[]): boolean {
  const seen = new Set<string>();
  for (let i = 0; i < sites.length; i++) {
    if (seen.has(sites[i]) && sites[i - 1] !== sites[i]) return true;
    seen.add(sites[i]);
  }
  return false;
}

/**
 * Two contributions where the earlier backward() kept its graph (retainGraph) and the later one runs
 * through some of the same ops: the same graph backpropagated twice into one .grad, the article's
 * 56-instead-of-48. Separate forward passes (DCGAN's errD_real and errD_fake) share no op.
 */
function sharedGraph(ctx: FindingContext, contributions: number[]): [number, number] | null {
  const trace = ctx.index.trace;
  for (let i = 0; i < contributions.length; i++) {
    const a = contributions[i];
    if (!trace.backwards[a].retainGraph) continue;
    const opsA = ctx.reaches[a].realOps;
    for (let j = i + 1; j < contributions.length; j++) {
      const b = contributions[j];
      if (trace.backwards[b].site !== null && sameSiteOf(trace.backwards[a].site, trace.backwards[b].site)) continue;
      for (const op of ctx.reaches[b].realOps) if (opsA.has(op)) return [a, b];
    }
  }
  return null;
}

function sameSiteOf(a: Site | null, b: Site | null): boolean {
  return siteKey(a) === siteKey(b);
}

/**
 * GL007: a detach or noGrad keeps gradient from parameters the optimizer after that backward steps.
 * When the same backward() still reaches them by another path, the cut is a stop-gradient by design
 * (straight-through estimator, SimSiam's stop-grad target, truncated BPTT): info. A warning only when
 * this backward() reaches them by no path while another loss of the same step does.
 */
function cutInTraining(ctx: FindingContext, set: FindingSet, gl001: Set<number>): void {
  const { index, registry, reaches, timeline } = ctx;
  const trace = index.trace;
  for (const r of reaches) {
    const owner = timeline.ownerOf[r.backward.index];
    if (owner === null) continue;
    const opt = trace.optimizers[owner];
    for (const [cutId, params] of r.blocked) {
      const cut = registry.sites[cutId];
      if (cut.kind === "requires-grad-false") continue;
      const hit = [...params].filter(
        (p) => !gl001.has(p) && timeline.memberships[p].some((m) => m.optimizer === owner),
      );
      if (hit.length === 0) continue;
      const byDesign = hit.every((p) => r.realParams.has(p));
      const rel = [...related(r.backward.site, trace.file, "the backward() it cuts"), ...related(opt.site, trace.file, `${opt.name} steps them`)];
      if (byDesign) {
        set.add(
          `${cutId}|${owner}|design`, "GL007", "info", cut.site, trace.file,
          (names) =>
            `${describeCut(cut)} at ${where(cut.site)} stops the gradient of backward() at ${where(r.backward.site)} on one path to ${listNames(names)}, ` +
            `which still get${names.length === 1 ? "s" : ""} gradient from it by another path: a stop-gradient by design (straight-through, stop-grad target, truncated BPTT)`,
          hit.map((p) => index.params[p].leaf.name), rel,
        );
        continue;
      }
      set.add(
        `${cutId}|${owner}`, "GL007", "warning", cut.site, trace.file,
        (names) =>
          `${describeCut(cut)} at ${where(cut.site)} keeps the gradient of backward() at ${where(r.backward.site)} from ${listNames(names)}, ` +
          `which ${opt.name} steps; ${names.length === 1 ? "it gets" : "they get"} gradient only from other losses of that step, so this loss does not train ${names.length === 1 ? "it" : "them"}`,
        hit.map((p) => index.params[p].leaf.name), rel,
      );
    }
  }
}

/**
 * GL008: a module frozen for the whole run, in train mode, whose BatchNorm statistics still change.
 * One finding per frozen module tree (the topmost module whose parameters are all frozen). A module
 * frozen only for a phase (pix2pix's set_requires_grad(netD, False) for the generator step, then
 * True again) is trained, and its statistics are meant to follow the data.
 */
function frozenBatchNorm(ctx: FindingContext, set: FindingSet): void {
  const { index } = ctx;
  const trace = index.trace;
  const modules = trace.modules;
  const paramsUnder = new Map<number, number[]>();
  for (const m of modules) {
    for (let a: number | null = m.id; a !== null; a = modules[a]?.parent ?? null) {
      const list = paramsUnder.get(a) ?? [];
      list.push(...m.parameters);
      paramsUnder.set(a, list);
    }
  }
  const frozenAllRun = (t: number) => {
    const leaf = index.leafByTensor.get(t);
    if (leaf === undefined || leaf.requiresGradAtEnd) return false;
    // unfrozen again after a freeze: frozen only for a phase
    const changes = trace.requiresGradChanges.filter((c) => c.tensor === t);
    const firstFreeze = changes.findIndex((c) => !c.flag);
    const p = index.paramByTensor.get(t)?.index ?? -1;
    // weights written by hand every iteration (BYOL's EMA target) are not frozen: that network's
    // statistics follow the data as its weights follow the online network's
    return !changes.slice(firstFreeze + 1).some((c) => c.flag) && !ctx.facts[p]?.gotGrad && (ctx.timeline.handWritten[p] ?? null) === null;
  };
  const frozenTree = (id: number) => {
    const ps = paramsUnder.get(id) ?? [];
    return ps.length > 0 && ps.every(frozenAllRun);
  };
  const topFrozen = (id: number): number => {
    let top = id;
    for (let a = modules[id]?.parent ?? null; a !== null && frozenTree(a); a = modules[a]?.parent ?? null) top = a;
    return top;
  };
  for (const u of trace.bufferUpdates) {
    const m = modules[u.module];
    if (m === undefined || m.parameters.length === 0 || !frozenTree(m.id)) continue;
    // the latest train()/eval() before the update, on the module or an ancestor (eval() recurses)
    let last: { seq: number; mode: boolean; site: Site | null } | null = null;
    for (let a: number | null = m.id; a !== null; a = modules[a]?.parent ?? null) {
      for (const c of modules[a].trainCalls) if (c.seq < u.seq && (last === null || c.seq > last.seq)) last = c;
    }
    const training = last?.mode ?? true;
    const trainSite = last?.site ?? null;
    if (!training) continue;
    const top = modules[topFrozen(m.id)];
    const freeze = index.lastFreeze(m.parameters[0]);
    set.add(
      top.path, "GL008", "info", freeze?.site ?? top.site, trace.file,
      () =>
        `${top.path} is frozen for the whole run but in train mode, so its ${m.className} statistics (${u.name}) still change on every forward; ` +
        `if they are meant to stay fixed, call ${top.path}.eval() after each train()`,
      (paramsUnder.get(top.id) ?? []).map((t) => index.paramByTensor.get(t)?.leaf.name ?? `${top.path}.?`),
      [...related(u.site, trace.file, `${u.name} updated here`), ...related(trainSite, trace.file, "put in train mode here")],
    );
  }
}

/** GL009: a step moved a parameter whose gradient was null or zero (weight decay, momentum). */
function movedWithoutGradient(ctx: FindingContext, set: FindingSet): void {
  const { index, timeline } = ctx;
  const trace = index.trace;
  for (const use of timeline.uses) {
    if (use.step === null || !use.changed) continue;
    if (use.hadGrad && (use.contributions.length > 0 || use.assigned)) continue;
    const opt = trace.optimizers[use.step.optimizer];
    set.add(
      `${siteKey(use.step.site)}|${opt.id}`, "GL009", "warning", use.step.site, trace.file,
      (names) =>
        `${opt.name}.step() moves ${listNames(names)} although ${names.length === 1 ? "its" : "their"} gradient is null or zero ` +
        `(weight decay or momentum); take ${names.length === 1 ? "it" : "them"} out of ${opt.name}, or clear gradients to null`,
      [index.params[use.param].leaf.name], related(opt.site, trace.file, `${opt.name} is created here`),
    );
  }
}

/** GL010: a frozen top-level module still keeps tensors for backward (a module before it needs gradients). */
function frozenModuleMemory(ctx: FindingContext, set: FindingSet): void {
  const { index, reaches } = ctx;
  const trace = index.trace;
  const savedByReach = new Map<BackwardReach, Map<string, number>>(); // once per graph, not per module
  for (const top of index.topLevelPaths) {
    const params = index.paramsUnder(top);
    if (params.length === 0) continue;
    // The largest graph a backward() ran over while every parameter of the module was frozen.
    let bytes = 0;
    let freeze: ReturnType<TraceIndex["freezeFor"]> = null;
    for (const r of reaches) {
      const freezes = params.map((p) => index.freezeFor(p.leaf.id, r.backward.seq));
      if (freezes.some((f) => f === null)) continue;
      // only a module's parameters can be frozen from the input side; when the gradient is for a tensor
      // outside modules (style transfer's input image, a soft prompt) the activations are the price of it
      if (![...r.realParams].some((p) => index.params[p].leaf.modulePath !== null && index.params[p].topLevel !== top)) continue;
      let byTop = savedByReach.get(r);
      if (byTop === undefined) {
        byTop = attributeSaved(index, [...r.realOps].sort((a, b) => a - b).map((id) => trace.ops[id])).byTop;
        savedByReach.set(r, byTop);
      }
      const b = byTop.get(top) ?? 0;
      if (b > bytes) {
        bytes = b;
        freeze = freezes[0];
      }
    }
    if (bytes === 0) continue;
    set.add(
      top, "GL010", "info", freeze?.site ?? params[0].leaf.site, trace.file,
      () =>
        `${top} is frozen, but its ops still keep ${formatBytes(bytes)} for backward because a module before it needs gradients; ` +
        `freezing from the input side saves more`,
      params.map((p) => p.leaf.name), [],
    );
  }
}

/** GL011: a backward() runs through a part that leads only to another optimizer's parameters. */
function wastedBackward(ctx: FindingContext, set: FindingSet): void {
  const { index, reaches, timeline } = ctx;
  const trace = index.trace;
  for (const r of reaches) {
    const owners = timeline.ownersOf[r.backward.index];
    if (owners.length === 0 || r.rootNode === null) continue;
    const owned = (p: number) => timeline.memberships[p].some((m) => owners.includes(m.optimizer));
    const otherOnly = (p: number) => !owned(p) && timeline.memberships[p].length > 0;
    if (![...r.realParams].some(owned)) continue;
    const { leadsOther, boundaries } = classifyRealOps(ctx, r, owned, otherOnly);
    for (const op of boundaries) {
      const rec = trace.ops[op];
      const params = [...leadsOther.get(op)!].map((p) => index.params[p].leaf.name);
      const optNames = [...new Set([...leadsOther.get(op)!].flatMap((p) => timeline.memberships[p].map((m) => trace.optimizers[m.optimizer].name)))];
      set.add(
        `${siteKey(r.backward.site)}|${siteKey(rec.site)}`, "GL011", "info", rec.site, trace.file,
        (names) =>
          `backward() at ${where(r.backward.site)} also computes gradients for ${listNames(names)} (held by ${optNames.join(", ")}), ` +
          `which ${owners.map((o) => trace.optimizers[o].name).join(" and ")} ${owners.length === 1 ? "does" : "do"} not step: detach() the output of ${rec.op}${rec.modulePath ? ` in ${rec.modulePath}` : ""} here`,
        params, related(r.backward.site, trace.file, "this backward()"),
      );
    }
  }
}

function classifyRealOps(
  ctx: FindingContext, r: BackwardReach, owned: (p: number) => boolean, otherOnly: (p: number) => boolean,
): { leadsOwned: Map<number, boolean>; leadsOther: Map<number, Set<number>>; boundaries: number[] } {
  const trace = ctx.index.trace;
  const leadsOwned = new Map<number, boolean>();
  const leadsOther = new Map<number, Set<number>>();
  const paramIndexOf = (tensor: number) => ctx.index.paramByTensor.get(tensor)?.index ?? -1;
  // Real edges only: inputs that required grad, through ops of this backward's graph. Ops come in
  // seq order, so producers are classified before their consumers.
  const ops = [...r.realOps].sort((a, b) => a - b);
  // Ops computed from parameters alone (weight.t()) are part of the parameter, not a place to detach.
  const paramOnly = new Map<number, boolean>();
  const isParamOnly = (input: OpInput): boolean => {
    if (input.producer !== null) return paramOnly.get(input.producer) ?? false;
    if (ctx.index.paramByTensor.has(input.tensor)) return true;
    return !ctx.index.leafByTensor.has(input.tensor) && ctx.index.detachFor(input.tensor, Number.POSITIVE_INFINITY) === null;
  };
  for (const id of ops) {
    const op = trace.ops[id];
    paramOnly.set(id, op.inputs.every(isParamOnly));
    let own = false;
    const other = new Set<number>();
    for (const input of op.inputs) {
      if (!input.requiresGrad) continue;
      if (input.producer !== null && r.realOps.has(input.producer)) {
        own ||= leadsOwned.get(input.producer) ?? false;
        for (const p of leadsOther.get(input.producer) ?? []) other.add(p);
      } else if (input.producer === null) {
        const p = paramIndexOf(input.tensor);
        if (p < 0) continue;
        if (owned(p)) own = true;
        else if (otherOnly(p)) other.add(p);
      }
    }
    leadsOwned.set(id, own);
    leadsOther.set(id, other);
  }
  const boundaries: number[] = [];
  for (const id of ops) {
    if (!leadsOwned.get(id)) continue;
    for (const input of trace.ops[id].inputs) {
      const p = input.producer;
      if (!input.requiresGrad || p === null || !r.realOps.has(p)) continue;
      if (!leadsOwned.get(p) && !paramOnly.get(p) && leadsOther.get(p)!.size > 0 && !boundaries.includes(p)) boundaries.push(p);
    }
  }
  return { leadsOwned, leadsOther, boundaries };
}

function formatBytes(bytes: number): string {
  if (bytes >= 1024 * 1024) return `${(bytes / (1024 * 1024)).toFixed(1)} MiB`;
  if (bytes >= 1024) return `${(bytes / 1024).toFixed(0)} KiB`;
  return `${bytes} B`;
}
