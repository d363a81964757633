import type { EngineEvent, EngineObserver, GradModeChange } from "../engine/observer";
import type { Tensor } from "../engine/tensor";
import type { Node } from "../engine/autograd/node";
import { isGradEnabled } from "../engine/gradMode";
import { elementSize } from "../engine/dtype";
import type { RunError, StopInfo } from "../protocol/report";
import { TRACE_VERSION } from "./version";
import type {
  BackwardRecord, BufferUpdateRecord, DetachRecord, GradModeRecord, InplaceRecord,
  LeafRecord, ModuleRecord, OpRecord, OptimizerRecord, RequiresGradChangeRecord,
  Site, StepRecord, Trace, ZeroGradRecord, ManualUpdateRecord, GradAssignmentRecord,
} from "./schema";
import { classChainNames, type AnyFunction, type SiteCapture } from "./sites";
import { StopSignal, type StopCounts, type StopPolicy } from "./stop";
import { classNameOf, groupsOf } from "./moduleTree";
import { finalizeTrace } from "./finalize";
import { changedBetween, fingerprint, l2norm, maxAbsDiff, type Fingerprint } from "./scans";
import { GRAPH_REPEATS_KEPT, REPEATS_KEPT, RepeatCounter, siteKey } from "./repeats";
import * as engineNn from "../engine/nn/index";

/** The module classes the engine defines: their forward code is not the user's. */
const ENGINE_MODULE_CLASSES = new Set<unknown>(Object.values(engineNn).filter((v) => typeof v === "function"));

function isEngineModule(module: object): boolean {
  return ENGINE_MODULE_CLASSES.has((module as { constructor?: unknown }).constructor);
}

// The observer that turns one run into a Trace. Records are built as events arrive; names that
// depend on the final module tree (qualified parameter names, module paths) are resolved once, in
// finalizeTrace. Ops run by backward() and optimizer.step() are skipped: they are the engine's
// machinery, summarised by the backward and step records.

export interface RecorderOptions {
  /** the checked file, as given */
  file: string;
  /** `capture`'s second argument is the recorder's hook being run (see SiteCapture.capture) */
  sites: Pick<SiteCapture, "capture"> & Partial<Pick<SiteCapture, "captureChain">>;
  stop?: StopPolicy;
  /** called once, synchronously, when the stop policy ends the run (before the StopSignal is thrown) */
  onStop?: (info: StopInfo) => void;
  maxOps?: number;
  maxLeaves?: number;
  /** how often a repeated record that cannot change the analysis is kept before it is only counted (repeats.ts) */
  repeatsKept?: number;
  /** how often an op that builds a graph is kept per place between two backward() calls (repeats.ts) */
  graphRepeatsKept?: number;
  /** where the file's text makes optimizers (see optimizerSites.ts), so the stop can wait for later phases */
  optimizerSites?: ReadonlyArray<{ file: string; line: number }>;
}

export interface LeafEntry {
  rec: LeafRecord;
  /** weak: a data batch made every iteration must not be kept alive by the trace */
  ref: WeakRef<Tensor>;
}
export interface ModuleEntry {
  rec: ModuleRecord;
  obj: object;
  chain: Set<string>;
  /** the user's frames when it was made, innermost first (its name may come from a caller's line) */
  callers: Site[];
}
export interface OptimizerEntry {
  rec: OptimizerRecord;
  obj: object;
  /** its class chain (constructor frames of these classes are the optimizer's own, not the user's line) */
  chain: Set<string>;
  steps: number;
  /** steps that count toward the stop budget: all but a first step run at lr 0 (a warm-up's step 1) */
  countedSteps: number;
  callers: Site[];
}
interface PendingStep {
  optimizer: number;
  site: Site | null;
  lrs: number[];
  /** a small parameter's copy (values), or a large one's fingerprint (print) */
  before: Array<{ tensor: Tensor; values: Float32Array | null; print: Fingerprint | null; hadGrad: boolean }>;
}
interface PendingBackward {
  rec: BackwardRecord;
  reached: Map<number, Tensor>;
}

const POLL_EVERY = 16;
/** the capture path of a module or optimizer first met at a call (made before tracing; maybe nested deep) */
const FIRST_SEEN = "first-seen";
/** dropped ops whose outputs adoptLeaf can still name (see droppedIds); a power of two */
const DROPPED_KEPT = 64;

export class TraceRecorder implements EngineObserver {
  private seq = 0;
  readonly leaves = new Map<number, LeafEntry>();
  readonly ops: OpRecord[] = [];
  readonly modules: ModuleEntry[] = [];
  private readonly moduleIds = new Map<object, number>();
  readonly optimizers: OptimizerEntry[] = [];
  private readonly optimizerIds = new Map<object, number>();
  readonly detaches: DetachRecord[] = [];
  readonly gradModes: GradModeRecord[] = [];
  readonly requiresGradChanges: RequiresGradChangeRecord[] = [];
  readonly inplaces: InplaceRecord[] = [];
  readonly backwards: BackwardRecord[] = [];
  readonly steps: StepRecord[] = [];
  readonly zeroGrads: ZeroGradRecord[] = [];
  readonly bufferUpdates: BufferUpdateRecord[] = [];
  readonly manualUpdates: ManualUpdateRecord[] = [];
  readonly gradAssignments: GradAssignmentRecord[] = [];
  /** a tensor computed from some leaf's .grad (or that .grad itself: see gradOwner) → that leaf's id */
  private readonly gradDerived = new WeakMap<Tensor, number>();

  private readonly nodeToOp = new WeakMap<Node, number>();
  private readonly producerOf = new Map<number, number>();
  /** storage → the factory leaf that made it, so `new Parameter(randn(3))` is recorded once */
  private readonly leafByStorage = new WeakMap<object, number>();
  private readonly moduleStack: number[] = [];
  /**
   * Per moduleStack entry: inside an engine module's forward (nn.Linear, nn.Sequential, ...), every
   * record has the same user site, the line that called the outermost such module. It is captured
   * once at entry; null inside a user-written module, whose ops each have their own line.
   */
  private readonly sharedSites: Array<Site | null> = [];
  private backwardDepth = 0;
  /**
   * Inside a functional made of several ops (F.crossEntropy), outside any engine module: every record
   * has the line that called it, captured once at its start (null: not inside one, or not captured).
   */
  private functionalSite: Site | null = null;
  private functionalDepth = 0;
  private pendingBackward: PendingBackward | null = null;
  private pendingStep: PendingStep | null = null;
  private readonly snapshots = new WeakMap<Tensor, Float32Array>();
  private lastModuleRequiresGrad: { module: number; site: Site | null; seq: number } | null = null;
  /** a leaf's current .grad tensor → the leaf's id, so `p.grad.zero_()` is seen as a clear of p */
  private readonly gradOwner = new WeakMap<Tensor, number>();
  /** the hand-written clear that later clears at the same site join, until a backward/step/zeroGrad */
  private openClear: { rec: ZeroGradRecord & { owner: { tensors: number[] } }; ids: Set<number> } | null = null;
  private opsDropped = 0;
  private leavesDropped = 0;
  private pollCountdown = POLL_EVERY;
  /** the hook being run (guard) */
  private hook: AnyFunction | undefined = undefined;
  /** the engine call path being heard, for SiteCapture's learnt capture length: the hook, or the event's kind */
  private path: unknown = undefined;
  private halted: StopInfo | null = null;
  private readonly maxOps: number;
  private readonly maxLeaves: number;
  private readonly repeats: RepeatCounter;
  private readonly graphRepeats: RepeatCounter;
  /** leaves some recorded op read: a repeated op on a leaf is dropped only once the leaf's use is on record */
  private readonly usedLeaves = new Set<number>();
  /**
   * Values that need no gradient but that the analysis follows back to a parameter (its counterfactual
   * "what did this cut block"): frozen parameters, detach() results, values computed under noGrad from
   * ones that require grad, and everything computed from those. Ops on them are never dropped as repeats.
   */
  private readonly tainted = new WeakSet<Tensor>();
  /** the op just dropped as a repeat, recorded after all if an in-place write turns out to follow it */
  private droppedOp: { args: Parameters<TraceRecorder["onOp"]>; site: Site | null; seq: number } | null = null;
  /**
   * what made the outputs of the last DROPPED_KEPT ops dropped as repeats, should one become a leaf
   * (adoptLeaf: `img = content.clone(); img.requiresGrad_(true)` a few lines on). A ring of plain
   * slots: a map entry per dropped op cost 2.5× the op's recording time in a long evaluation loop
   */
  private readonly droppedIds = new Array<number>(DROPPED_KEPT).fill(-1);
  private readonly droppedOps = new Array<string>(DROPPED_KEPT).fill("");
  private readonly droppedSites = new Array<Site | null>(DROPPED_KEPT).fill(null);
  private droppedNext = 0;

  constructor(private readonly options: RecorderOptions) {
    this.maxOps = options.maxOps ?? 200_000;
    this.maxLeaves = options.maxLeaves ?? 50_000;
    this.repeats = new RepeatCounter(options.repeatsKept ?? REPEATS_KEPT);
    this.graphRepeats = new RepeatCounter(options.graphRepeatsKept ?? GRAPH_REPEATS_KEPT);
  }

  /** No backward() or step() is half-recorded: finish() now gives a consistent snapshot. */
  get canSnapshot(): boolean {
    return !this.machineryRunning && this.pendingBackward === null;
  }

  /** The stop that ended the run early, if any. */
  get stopInfo(): StopInfo | null {
    return this.halted;
  }

  // ---- stopping ------------------------------------------------------------------------------

  /** Every hook that may take a site starts here, naming itself: site capture starts below its frame. */
  private guard(hook: AnyFunction): void {
    this.hook = hook;
    this.path = hook;
    if (this.halted !== null) throw new StopSignal(this.halted);
    if (--this.pollCountdown <= 0) {
      this.pollCountdown = POLL_EVERY;
      const decision = this.options.stop?.poll?.(this.counts());
      if (decision) this.halt(decision, this.options.sites.capture(undefined, this.hook, this.path));
    }
  }

  private halt(decision: Omit<StopInfo, "file" | "line" | "column">, site: Site | null): never {
    const info: StopInfo = { ...decision };
    if (site !== null) Object.assign(info, { file: site.file, line: site.line, column: site.column });
    this.halted = info;
    this.options.onStop?.(info);
    throw new StopSignal(info);
  }

  private counts(): StopCounts {
    const made = this.optimizers.map((o) => o.rec.site);
    const toCome = (this.options.optimizerSites ?? []).filter(
      (s) => !made.some((m) => m !== null && m.line === s.line && m.file === s.file),
    );
    return {
      stepsByOptimizer: this.optimizers.map((o) => o.countedSteps),
      backwards: this.backwards.length,
      optimizerLines: made.map((m) => m?.line ?? null),
      optimizersToCome: toCome,
    };
  }

  private get machineryRunning(): boolean {
    return this.backwardDepth > 0 || this.pendingStep !== null;
  }

  private site(skip?: ReadonlySet<string>, path = this.path): Site | null {
    if (skip === undefined && this.sharedSites.length > 0) {
      const shared = this.sharedSites[this.sharedSites.length - 1];
      if (shared !== null) return shared;
    }
    if (skip === undefined && this.functionalSite !== null) return this.functionalSite;
    return this.options.sites.capture(skip, this.hook, path);
  }

  private currentModule(): number | null {
    return this.moduleStack.length === 0 ? null : this.moduleStack[this.moduleStack.length - 1];
  }

  // ---- tensors -------------------------------------------------------------------------------

  onLeafCreated(t: Tensor, factory: string): void {
    this.guard(this.onLeafCreated);
    if (this.machineryRunning) return;
    if (this.leaves.size >= this.maxLeaves) {
      this.leavesDropped++;
      return;
    }
    const rec: LeafRecord = {
      seq: this.seq++,
      id: t.id,
      name: "",
      kind: factory === "Parameter" ? "parameter" : "leaf",
      factory,
      shape: [...t.shape],
      dtype: t.dtype,
      numel: t.numel(),
      requiresGrad: t.requiresGrad,
      requiresGradAtEnd: t.requiresGrad,
      module: null,
      modulePath: null,
      site: this.site(),
    };
    if (factory === "Parameter") {
      // the data it was made from is the same memory: the parameter replaces that leaf's record
      const source = this.leafByStorage.get(t.storage);
      if (source !== undefined) this.leaves.delete(source);
    }
    this.leafByStorage.set(t.storage, t.id);
    this.leaves.set(t.id, { rec, ref: new WeakRef(t) });
    if (factory === "Parameter") this.tainted.add(t);
  }

  onOp(op: string, node: Node | null, inputs: readonly Tensor[], outputs: readonly Tensor[]): void {
    this.guard(this.onOp);
    if (this.machineryRunning) return;
    if (this.ops.length >= this.maxOps) {
      this.opsDropped++;
      return;
    }
    const site = this.site();
    if (node === null) {
      if (this.isRepeatedConstantOp(op, inputs, outputs, site)) {
        this.droppedOp = { args: [op, node, inputs, outputs], site, seq: this.seq };
        this.rememberDropped(op, outputs, site);
        return;
      }
    } else if (this.graphRepeats.isRepeat(site, op, this.currentModule())) {
      this.opsDropped++; // a truncation, as past maxOps
      return;
    }
    this.recordOp(op, node, inputs, outputs, site);
  }

  /** An op no gradient can flow through, at a place that has made it REPEATS_KEPT times already (repeats.ts). */
  private isRepeatedConstantOp(op: string, inputs: readonly Tensor[], outputs: readonly Tensor[], site: Site | null): boolean {
    for (const t of inputs) {
      if (t.requiresGrad || this.tainted.has(t) || this.gradSource(t) !== undefined) return false;
      if (!this.usedLeaves.has(t.id) && this.leaves.has(t.id)) return false;
      const owner = this.leafByStorage.get(t.storage); // p.data
      if (owner !== undefined && this.leaves.get(owner)?.rec.kind === "parameter") return false;
    }
    // a view of a leaf's memory counts as that leaf's (memory analysis)
    for (const t of outputs) if (this.leafByStorage.has(t.storage)) return false;
    return this.repeats.isRepeat(site, op, this.currentModule());
  }

  private recordOp(op: string, node: Node | null, inputs: readonly Tensor[], outputs: readonly Tensor[], site: Site | null): void {
    this.droppedOp = null;
    const id = this.ops.length;
    const ins = new Array(inputs.length);
    let fromGrad: number | undefined;
    for (let i = 0; i < inputs.length; i++) {
      const t = inputs[i];
      ins[i] = { tensor: t.id, producer: this.producerFor(t), requiresGrad: t.requiresGrad };
      fromGrad ??= this.gradSource(t);
      if (this.leaves.has(t.id)) this.usedLeaves.add(t.id);
    }
    if (fromGrad !== undefined) for (const o of outputs) this.gradDerived.set(o, fromGrad);
    this.lastInputs = inputs;
    if (node === null && inputs.some((t) => t.requiresGrad || this.tainted.has(t))) for (const o of outputs) this.tainted.add(o);
    const outIds = new Array<number>(outputs.length);
    for (let i = 0; i < outputs.length; i++) {
      outIds[i] = outputs[i].id;
      this.producerOf.set(outputs[i].id, id);
    }
    let saved: OpRecord["saved"] = [];
    if (node !== null) {
      this.nodeToOp.set(node, id);
      const savedTensors = node.savedForBackward();
      if (savedTensors.length > 0) {
        saved = savedTensors.map((s) => ({ tensor: s.id, bytes: s.numel() * elementSize(s.dtype), isParameter: false }));
      }
    }
    const first = outputs[0];
    this.ops.push({
      seq: this.seq++,
      id,
      op,
      gradFn: node === null ? null : node.name,
      inputs: ins,
      outputs: outIds,
      shape: first ? [...first.shape] : [],
      dtype: first ? first.dtype : "float32",
      gradEnabled: isGradEnabled(),
      savedBytes: node === null ? 0 : node.savedBytes,
      saved,
      inPlace: false,
      module: this.currentModule(),
      modulePath: null,
      site,
    });
  }

  /** The leaf whose gradient `t` is, or was computed from (hand-written optimizers read p.grad). */
  private gradSource(t: Tensor): number | undefined {
    return this.gradOwner.get(t) ?? this.gradDerived.get(t);
  }

  /** The leaf a tensor is, or whose storage it shares as `.data` / a detached alias. */
  private leafBehind(t: Tensor): number | undefined {
    if (this.leaves.has(t.id)) return t.id;
    // p.data, detach() and their views share the leaf's memory without being views of it
    return t.gradFn === null ? this.aliasedLeaf(t) : undefined;
  }

  /**
   * The leaf whose memory `t` is another tensor over (`.data`, detach(), a state-dict value, a view):
   * the storage is the key, as every such tensor shares the leaf's Storage object. Only while the
   * leaf still holds that storage (`p.data = x` gives it a new one).
   */
  private aliasedLeaf(t: Tensor): number | undefined {
    if (this.leaves.has(t.id)) return undefined;
    const owner = this.leafByStorage.get(t.storage);
    if (owner === undefined) return undefined;
    return this.leaves.get(owner)?.ref.deref()?.storage === t.storage ? owner : undefined;
  }

  private producerFor(t: Tensor): number | null {
    if (t.gradFn !== null) {
      const fromNode = this.nodeToOp.get(t.gradFn);
      if (fromNode !== undefined) return fromNode;
    }
    return this.producerOf.get(t.id) ?? null;
  }

  onInplace(t: Tensor, op: string): void {
    this.guard(this.onInplace);
    if (this.machineryRunning) return;
    const dropped = this.droppedOp;
    // the write's value came from an op dropped as a repeat: an in-place write is not a repeat to drop
    if (dropped !== null && dropped.seq === this.seq && (dropped.args[0] === op || `${dropped.args[0]}_` === op)) {
      this.repeats.dropped--;
      this.recordOp(...dropped.args, dropped.site);
    }
    const last = this.ops[this.ops.length - 1];
    // The op that computed the new value was recorded just before, under the out-of-place name
    // ("add" for add_) or the in-place one (fill_ with grad, copy_).
    const computedBy = last !== undefined && last.seq === this.seq - 1 && (last.op === op || `${last.op}_` === op) ? last : null;
    let producer: number | null = null;
    if (computedBy !== null) {
      producer = computedBy.id;
      const previous = this.producerOf.get(t.id) ?? null;
      computedBy.inPlace = true;
      this.producerOf.delete(computedBy.outputs[0]);
      computedBy.outputs[0] = t.id;
      // the snapshot the op read stands for t's old value
      const self = computedBy.inputs[0];
      if (self !== undefined && !this.isKnownTensor(self.tensor)) {
        computedBy.inputs[0] = { tensor: t.id, producer: self.producer ?? previous, requiresGrad: self.requiresGrad };
      }
      // a leaf written under noGrad stays a leaf; anything else now comes from this op
      if (computedBy.gradFn !== null || !this.leaves.has(t.id)) this.producerOf.set(t.id, computedBy.id);
    }
    const site = this.site();
    const aliasOf = this.aliasedLeaf(t);
    this.inplaces.push(aliasOf === undefined ? { seq: this.seq++, tensor: t.id, op, producer, site } : { seq: this.seq++, tensor: t.id, op, producer, site, aliasOf });
    this.noteManualUpdate(t, op, computedBy?.inputs ?? [], site);
    if (op === "zero_") {
      const leaf = this.gradOwner.get(t);
      if (leaf !== undefined && peekGradOf(this.leaves.get(leaf)?.ref.deref()) === t) this.handClear(leaf, false, site);
    }
  }

  /**
   * An in-place write outside autograd into a parameter (or its .data) from a value computed from its
   * gradient is a hand-written optimizer step. Optimizer state written from a gradient (`m.mul_(b)
   * .add_(g)`) carries the provenance on.
   */
  private noteManualUpdate(t: Tensor, op: string, inputs: ReadonlyArray<{ tensor: number }>, site: Site | null): void {
    let fromGrad: number | undefined;
    for (const i of inputs) {
      if (i.tensor === t.id) continue;
      const live = this.tensorById(i.tensor);
      if (live !== undefined) fromGrad ??= this.gradSource(live);
    }
    if (fromGrad === undefined) return;
    const leaf = this.leafBehind(t);
    const rec = leaf === undefined ? undefined : this.leaves.get(leaf)?.rec;
    if (rec === undefined || t.gradFn !== null || !(rec.kind === "parameter" || rec.requiresGradAtEnd)) {
      this.gradDerived.set(t, fromGrad);
      return;
    }
    this.manualUpdates.push({ seq: this.seq++, tensor: leaf!, op, site });
  }

  /** Tensors an op just read, by id (the inputs of the last op are kept for this lookup). */
  private tensorById(id: number): Tensor | undefined {
    for (const t of this.lastInputs) if (t.id === id) return t;
    return undefined;
  }
  private lastInputs: readonly Tensor[] = [];

  /** detach_() has already cut the tensor when we hear of it: whether it required grad shows in its producer */
  private opHadGraph(op: number | undefined): boolean {
    return op !== undefined && this.ops[op]?.gradFn !== null;
  }

  private isKnownTensor(id: number): boolean {
    return this.leaves.has(id) || this.producerOf.has(id);
  }

  onDetach(source: Tensor, result: Tensor, inPlace: boolean): void {
    this.guard(this.onDetach);
    if (this.machineryRunning) return;
    this.detaches.push({
      seq: this.seq++,
      source: source.id,
      result: result.id,
      inPlace,
      sourceProducer: inPlace ? this.producerOf.get(source.id) ?? null : this.producerFor(source),
      sourceRequiresGrad: inPlace ? this.opHadGraph(this.producerOf.get(source.id)) : source.requiresGrad,
      module: this.currentModule(),
      modulePath: null,
      site: this.site(),
    });
    if (inPlace) this.producerOf.delete(source.id);
    if (source.requiresGrad || inPlace || this.tainted.has(source)) this.tainted.add(result);
  }

  onGradMode(change: GradModeChange, enabledAfter: boolean): void {
    this.guard(this.onGradMode);
    const site = this.site();
    if (this.isRepeatedEmptyRegion(change, site)) return;
    const rec: GradModeRecord = { seq: this.seq++, kind: change.kind, enabledAfter, site };
    if (change.kind === "set-grad-enabled") rec.enabled = change.enabled;
    this.gradModes.push(rec);
  }

  /** A grad-mode region closing right after it opened (nothing recorded inside), made REPEATS_KEPT times
   * already at these lines: its opening record is removed, its closing one not made (repeats.ts). */
  private isRepeatedEmptyRegion(change: GradModeChange, site: Site | null): boolean {
    const open = this.gradModes[this.gradModes.length - 1];
    if (open === undefined || open.seq !== this.seq - 1) return false;
    const closes =
      (change.kind === "no-grad-exit" && open.kind === "no-grad-enter") ||
      (change.kind === "enable-grad-exit" && open.kind === "enable-grad-enter") ||
      (change.kind === "set-grad-enabled" && change.enabled && open.kind === "set-grad-enabled" && open.enabled === false);
    if (!closes || !this.repeats.isRepeat(open.site, `${open.kind}|${siteKey(site)}`)) return false;
    this.gradModes.pop();
    this.repeats.dropped++; // the opening record too
    return true;
  }

  /**
   * The result of an op that recorded no graph, made to require grad (style transfer's
   * `inputImg = contentImg.clone(); inputImg.requiresGrad_(true)`): a leaf, as in PyTorch, named after
   * the line of the op that made it; later ops read it as a leaf.
   */
  private adoptLeaf(t: Tensor): void {
    const made = this.producerOf.get(t.id);
    const op = made === undefined ? this.droppedMakerOf(t.id) : this.ops[made];
    if (op === undefined) return;
    if (this.leaves.size >= this.maxLeaves) {
      this.leavesDropped++;
      return;
    }
    const rec: LeafRecord = {
      seq: this.seq++, id: t.id, name: "", kind: "leaf", factory: op.op, shape: [...t.shape], dtype: t.dtype, numel: t.numel(),
      requiresGrad: false, requiresGradAtEnd: false, module: null, modulePath: null, site: op.site,
    };
    this.producerOf.delete(t.id);
    this.leaves.set(t.id, { rec, ref: new WeakRef(t) });
  }

  /** the first output only: a constant op with several (split, chunk) makes no tensor one trains */
  private rememberDropped(op: string, outputs: readonly Tensor[], site: Site | null): void {
    if (outputs.length === 0) return;
    const k = this.droppedNext;
    this.droppedIds[k] = outputs[0].id;
    this.droppedOps[k] = op;
    this.droppedSites[k] = site;
    this.droppedNext = (k + 1) & (DROPPED_KEPT - 1);
  }

  private droppedMakerOf(id: number): { op: string; site: Site | null } | undefined {
    const k = this.droppedIds.indexOf(id);
    return k < 0 ? undefined : { op: this.droppedOps[k], site: this.droppedSites[k] };
  }

  onRequiresGradChange(t: Tensor, flag: boolean, via: "requiresGrad" | "requiresGrad_"): void {
    this.guard(this.onRequiresGradChange);
    if (this.machineryRunning) return;
    const site = this.site();
    if (flag && t.gradFn === null && !this.leaves.has(t.id)) this.adoptLeaf(t);
    const leaf = this.leaves.get(t.id);
    if (leaf !== undefined) leaf.rec.requiresGradAtEnd = flag;
    if (!flag) this.tainted.add(t); // frozen: the analysis asks what the freeze blocked
    const byModule = this.lastModuleRequiresGrad;
    const fromModule = byModule !== null && sameSite(byModule.site, site) && this.seq - byModule.seq < 10_000;
    this.requiresGradChanges.push({
      seq: this.seq++,
      tensor: t.id,
      flag,
      via: fromModule ? "module" : via,
      module: fromModule ? byModule.module : null,
      site,
    });
  }

  // ---- backward ------------------------------------------------------------------------------

  onBackwardStart(root: Tensor, options: { retainGraph: boolean; createGraph: boolean }): void {
    this.guard(this.onBackwardStart);
    const site = this.site();
    if (this.backwardDepth === 0) {
      const decision = this.options.stop?.beforeBackward?.(this.counts());
      if (decision) this.halt(decision, site);
    }
    this.backwardDepth++;
    if (this.backwardDepth > 1) return;
    this.graphRepeats.reset();
    this.openClear = null;
    this.pendingBackward = {
      rec: {
        seq: this.seq++,
        index: this.backwards.length,
        root: root.id,
        rootProducer: this.producerFor(root),
        retainGraph: options.retainGraph,
        createGraph: options.createGraph,
        reached: [],
        error: null,
        site,
      },
      reached: new Map(),
    };
  }

  onAccumulateGrad(leaf: Tensor): void {
    if (this.pendingBackward !== null) this.pendingBackward.reached.set(leaf.id, leaf);
    const g = peekGrad(leaf);
    if (g !== null) this.gradOwner.set(g, leaf.id);
  }

  onBackwardEnd(_root: Tensor, error: unknown): void {
    this.backwardDepth = Math.max(0, this.backwardDepth - 1);
    if (this.backwardDepth > 0 || this.pendingBackward === null) return;
    const { rec, reached } = this.pendingBackward;
    this.pendingBackward = null;
    for (const [id, leaf] of reached) rec.reached.push({ tensor: id, gradNorm: finiteOrNull(l2normOf(peekGrad(leaf))) });
    rec.error = error === null || error === undefined ? null : error instanceof Error ? error.message : String(error);
    this.backwards.push(rec);
    if (this.halted !== null) throw new StopSignal(this.halted);
  }

  // ---- nn and optim --------------------------------------------------------------------------

  onEvent(event: EngineEvent): void {
    this.guard(this.onEvent);
    this.path = event.kind;
    switch (event.kind) {
      case "module-created":
        return this.moduleCreated(event.module);
      case "module-enter": {
        const parentShared = this.sharedSites.length > 0 ? this.sharedSites[this.sharedSites.length - 1] : null;
        const engineModule = isEngineModule(event.module);
        const shared = engineModule ? parentShared ?? this.options.sites.capture(undefined, this.hook, this.path) : null;
        // an engine module first met at a call (made before tracing) was called from the shared line:
        // its constructor frames, which a capture would skip, are engine code, never the user's line
        const id = this.moduleEntry(event.module, false, engineModule ? shared : undefined).rec.id;
        this.moduleStack.push(id);
        this.sharedSites.push(shared);
        return;
      }
      case "module-exit": {
        const id = this.moduleIds.get(event.module);
        const at = id === undefined ? -1 : this.moduleStack.lastIndexOf(id);
        // pops, not `length = at`: setting an array's length is a call into V8's runtime (~0.1 µs a
        // time, ten times pop's), and this runs at every module call's end
        if (at >= 0) {
          while (this.moduleStack.length > at) {
            this.moduleStack.pop();
            this.sharedSites.pop();
          }
        }
        return;
      }
      case "functional-enter":
        // the outermost one captures; an engine module around it already shares its caller's line
        if (this.functionalDepth++ === 0 && !this.machineryRunning) this.functionalSite = this.site();
        return;
      case "functional-exit":
        if (this.functionalDepth > 0 && --this.functionalDepth === 0) this.functionalSite = null;
        return;
      case "module-requires-grad":
        return this.moduleRequiresGrad(event.module, event.flag);
      case "module-train": {
        const m = this.moduleEntry(event.module);
        m.rec.trainCalls.push({ seq: this.seq++, mode: event.mode, site: this.site() });
        return;
      }
      case "buffer-update": {
        if (this.pendingStep !== null) return;
        const m = this.moduleEntry(event.module);
        this.bufferUpdates.push({
          seq: this.seq++, module: m.rec.id, modulePath: "", name: event.name, tensor: event.buffer.id, site: this.site(),
        });
        return;
      }
      case "optimizer-created":
      case "param-group-added": // known since its construction, unless made before tracing (as before: its chain)
        this.optimizerEntry(event.optimizer, true);
        return;
      case "optimizer-step":
        return event.phase === "before" ? this.stepBefore(event.optimizer) : this.stepAfter(event.optimizer);
      case "zero-grad":
        return this.zeroGrad(event.owner, event.setToNone);
      case "grad-set": {
        const t = event.tensor;
        if (!this.leaves.has(t.id)) return; // a non-leaf's retained grad, or an unrecorded tensor
        const g = peekGrad(t);
        if (g !== null) this.gradOwner.set(g, t.id);
        if (g !== null && !isAllZero(g)) {
          this.openClear = null;
          this.gradAssignments.push({ seq: this.seq++, tensor: t.id, site: this.site() });
          return;
        }
        return this.handClear(t.id, event.cleared, this.site());
      }
      case "data-set": {
        const leaf = this.leafBehind(event.tensor);
        if (leaf === undefined) return;
        const site = this.site();
        // its values were replaced outside autograd: a write like copy_ (an EMA target's `pk.data = ...`).
        // Assigning an alias's .data replaces that alias's memory only: the leaf is untouched
        if (leaf === event.tensor.id) {
          this.leafByStorage.set(event.tensor.storage, leaf); // the memory its aliases share from now on
          this.inplaces.push({ seq: this.seq++, tensor: leaf, op: "data=", producer: null, site });
        }
        if (this.gradSource(event.source) !== undefined) this.manualUpdates.push({ seq: this.seq++, tensor: leaf, op: "data=", site });
        return;
      }
    }
  }

  private moduleCreated(obj: object): void {
    this.moduleEntry(obj, true);
  }

  /**
   * A module's record, made at its first event. Only when that is its construction (`made`) do the
   * frames on the stack say where and inside what it was made; a module made before tracing began is
   * first seen at a call (its site is that line, and no caller chain is taken: a full capture;
   * `siteOfCall` when the caller already knows that line).
   */
  private moduleEntry(obj: object, made = false, siteOfCall?: Site | null): ModuleEntry {
    const known = this.moduleIds.get(obj);
    if (known !== undefined) return this.modules[known];
    const chain = classChainNames(obj);
    const id = this.modules.length;
    const stack = made ? this.options.sites.captureChain?.(chain) : undefined;
    const entry: ModuleEntry = {
      obj,
      chain,
      callers: stack?.sites ?? [],
      rec: {
        // the chain's innermost site is the one capture() would take: no second stack capture
        seq: this.seq++, id, path: "", className: classNameOf(obj), parent: null,
        site: stack !== undefined ? stack.sites[0] ?? null : siteOfCall !== undefined ? siteOfCall : this.site(chain, FIRST_SEEN),
        training: true,
        trainCalls: [], requiresGradCalls: [], parameters: [], buffers: [],
      },
    };
    const inside = stack === undefined ? undefined : this.constructingModule(stack.constructors);
    if (inside !== undefined) entry.rec.createdInside = inside;
    this.modules.push(entry);
    this.moduleIds.set(obj, id);
    return entry;
  }

  /** The module whose user-written constructor is on the stack (the latest made of that class). */
  private constructingModule(constructors: string[]): number | undefined {
    for (const name of constructors) {
      for (let i = this.modules.length - 1; i >= 0; i--) if (this.modules[i].chain.has(name)) return i;
    }
    return undefined;
  }

  private moduleRequiresGrad(obj: object, flag: boolean): void {
    const m = this.moduleEntry(obj);
    const site = this.site();
    const seq = this.seq++;
    m.rec.requiresGradCalls.push({ seq, flag, site });
    this.lastModuleRequiresGrad = { module: m.rec.id, site, seq };
    // the per-parameter changes may have been reported before the module event: attribute them too
    for (let i = this.requiresGradChanges.length - 1; i >= 0; i--) {
      const c = this.requiresGradChanges[i];
      if (!sameSite(c.site, site) || c.via === "module") break;
      c.via = "module";
      c.module = m.rec.id;
    }
  }

  /** An optimizer's record; `made`: its construction is on the stack (see moduleEntry). */
  private optimizerEntry(obj: object, made = false): OptimizerEntry {
    const known = this.optimizerIds.get(obj);
    if (known !== undefined) return this.optimizers[known];
    const id = this.optimizers.length;
    const chain = classChainNames(obj);
    const callers = made ? this.options.sites.captureChain?.(chain).sites : undefined;
    const entry: OptimizerEntry = {
      obj,
      chain,
      steps: 0,
      countedSteps: 0,
      callers: callers ?? [],
      rec: { seq: this.seq++, id, name: "", className: classNameOf(obj), groups: [], site: callers === undefined ? this.site(chain, FIRST_SEEN) : callers[0] ?? null },
    };
    this.optimizers.push(entry);
    this.optimizerIds.set(obj, id);
    return entry;
  }

  private stepBefore(obj: object): void {
    const o = this.optimizerEntry(obj);
    const site = this.site(o.chain);
    const decision = this.options.stop?.beforeStep?.(o.rec.id, this.counts());
    if (decision) this.halt(decision, site);
    const groups = groupsOf(obj);
    const before: PendingStep["before"] = [];
    for (const g of groups) {
      for (const p of g.params) {
        const data = p.dataSync();
        const small = data instanceof Float32Array && data.length <= SNAPSHOT_MAX_ELEMENTS;
        before.push({ tensor: p, values: small ? this.snapshotOf(p, data) : null, print: small ? null : fingerprint(data), hadGrad: peekGrad(p) !== null });
      }
    }
    this.pendingStep = { optimizer: o.rec.id, site, lrs: groups.map((g) => g.lr), before };
  }

  /** A small parameter's values before a step, in a buffer reused from its previous step. */
  private snapshotOf(p: Tensor, src: Float32Array): Float32Array {
    const kept = this.snapshots.get(p);
    if (kept !== undefined && kept.length === src.length) {
      kept.set(src);
      return kept;
    }
    const copy = src.slice();
    this.snapshots.set(p, copy);
    return copy;
  }

  private stepAfter(obj: object): void {
    const pending = this.pendingStep;
    this.pendingStep = null;
    const o = this.optimizerEntry(obj);
    if (pending === null || pending.optimizer !== o.rec.id) return;
    const changes: StepRecord["changes"] = pending.before.map(({ tensor, values, print, hadGrad }) => {
      const now = tensor.dataSync();
      // max |Δ| is NaN (changed) for a NaN or ∞ − ∞, as a fingerprint counts any NaN or ±∞ as changed
      const changed = values !== null ? values.length !== now.length || maxAbsDiff(values, now) !== 0 : changedBetween(print, fingerprint(now));
      return { tensor: tensor.id, changed, hadGrad };
    });
    this.openClear = null;
    this.steps.push({ seq: this.seq++, optimizer: o.rec.id, index: o.steps, lrs: pending.lrs, changes, site: pending.site });
    // a warm-up schedule's first step runs at lr 0 and changes nothing: the check waits for a real one
    if (o.steps > 0 || pending.lrs.some((lr) => lr !== 0)) o.countedSteps++;
    o.steps++;
  }

  private zeroGrad(owner: object, setToNone: boolean): void {
    const opt = this.optimizerIds.get(owner);
    const mod = this.moduleIds.get(owner);
    this.openClear = null;
    this.zeroGrads.push({
      seq: this.seq++,
      owner: opt !== undefined ? { kind: "optimizer", optimizer: opt } : mod !== undefined ? { kind: "module", module: mod } : { kind: "other" },
      setToNone,
      site: this.site(),
    });
  }

  /** `p.grad = null`, `p.grad = zerosLike(p)`, `p.grad.zero_()`: a zeroGrad of that one leaf, written by hand. */
  private handClear(leaf: number, setToNone: boolean, site: Site | null): void {
    const open = this.openClear;
    if (open !== null && open.rec.setToNone === setToNone && sameSite(open.rec.site, site)) {
      if (!open.ids.has(leaf)) {
        open.ids.add(leaf);
        open.rec.owner.tensors.push(leaf);
      }
      return;
    }
    const rec = { seq: this.seq++, owner: { kind: "assignment" as const, tensors: [leaf] }, setToNone, site };
    this.zeroGrads.push(rec);
    this.openClear = { rec, ids: new Set([leaf]) };
  }

  // ---- result --------------------------------------------------------------------------------

  /** The Trace so far. Safe to call more than once (e.g. on a stop, then never again). */
  finish(end: { stopped: StopInfo; error: RunError | null; console: string[]; durationMs: number; sourceText?: import("./variableNames").SourceText }): Trace {
    if (this.pendingBackward !== null) {
      // a stop or error inside backward(): keep what it reached
      const { rec, reached } = this.pendingBackward;
      for (const [id, leaf] of reached) rec.reached.push({ tensor: id, gradNorm: finiteOrNull(l2normOf(peekGrad(leaf))) });
      this.backwards.push(rec);
      this.pendingBackward = null;
    }
    const trace: Trace = {
      version: TRACE_VERSION,
      file: this.options.file,
      leaves: [],
      ops: this.ops,
      modules: [],
      detaches: this.detaches,
      gradModes: this.gradModes,
      requiresGradChanges: this.requiresGradChanges,
      inplaces: this.inplaces,
      backwards: this.backwards,
      optimizers: [],
      steps: this.steps,
      zeroGrads: this.zeroGrads,
      bufferUpdates: this.bufferUpdates,
      manualUpdates: this.manualUpdates,
      gradAssignments: this.gradAssignments,
      stopped: end.stopped,
      error: end.error,
      console: end.console,
      limits: {
        maxOps: this.maxOps, opsDropped: this.opsDropped, maxLeaves: this.maxLeaves, leavesDropped: this.leavesDropped,
        repeatsDropped: this.repeats.dropped,
      },
      durationMs: end.durationMs,
    };
    finalizeTrace(trace, this, end.sourceText ?? { line: () => null });
    return trace;
  }
}

function sameSite(a: Site | null, b: Site | null): boolean {
  return a === b || (a !== null && b !== null && a.line === b.line && a.column === b.column && a.file === b.file);
}

/**
 * `.grad` read the way the engine's own code reads it: Tensor's `grad` getter marks a gradient as
 * handed out to user code, and the engine then no longer recycles its memory at zeroGrad.
 */
function peekGrad(t: Tensor): Tensor | null {
  return t._peekGrad();
}

function peekGradOf(t: Tensor | undefined): Tensor | null | undefined {
  return t === undefined ? undefined : t._peekGrad();
}

function l2normOf(t: Tensor | null): number {
  return t === null ? 0 : l2norm(t.dataSync());
}

function isAllZero(t: Tensor): boolean {
  const d = t.dataSync();
  for (let i = 0; i < d.length; i++) if (d[i] !== 0) return false;
  return true;
}

/**
 * Above this many elements a step's parameter is fingerprinted before and after instead of copied: a
 * copy is fresh memory at a check's first step (ResNet-18: 45 MB, ~0.1–0.2 s on a VM), but for a small
 * parameter a copy into a buffer reused at later steps and one difference scan cost less than two
 * fingerprints (a small MLP's traced step: ~9 µs against ~21 µs of scans).
 */
const SNAPSHOT_MAX_ELEMENTS = 65536;

function finiteOrNull(x: number): number | null {
  return Number.isFinite(x) ? x : null;
}
