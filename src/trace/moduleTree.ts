import type { Tensor } from "../engine/tensor";

// Duck-typed reads of nn.Module and optimizer objects (the recorder only sees them as `object` through
// EngineEvent), tolerant of anything missing: a broken user subclass must not break the trace.

type Pairs = Array<[string, unknown]>;

function pairs(iterable: unknown): Pairs {
  if (iterable === null || iterable === undefined) return [];
  try {
    const out: Pairs = [];
    for (const entry of iterable as Iterable<unknown>) {
      if (Array.isArray(entry) && typeof entry[0] === "string") out.push([entry[0], entry[1]]);
    }
    return out;
  } catch {
    return [];
  }
}

function call(obj: object, method: string, ...args: unknown[]): unknown {
  const fn = (obj as Record<string, unknown>)[method];
  if (typeof fn !== "function") return undefined;
  try {
    return fn.apply(obj, args);
  } catch {
    return undefined;
  }
}

/** Direct submodules, [attribute name, module]. */
export function childrenOf(module: object): Array<[string, object]> {
  let list = pairs(call(module, "namedChildren"));
  if (list.length === 0) {
    const all = pairs(call(module, "namedModules"));
    list = all.filter(([name]) => name !== "" && !name.includes("."));
  }
  return list.filter((p): p is [string, object] => typeof p[1] === "object" && p[1] !== null && p[1] !== module);
}

/** The module's own parameters (not its children's), [local name, tensor]. */
export function ownParameters(module: object): Array<[string, Tensor]> {
  return pairs(call(module, "namedParameters", "", false)).filter(isTensorPair);
}

export function ownBuffers(module: object): Array<[string, Tensor]> {
  return pairs(call(module, "namedBuffers", "", false)).filter(isTensorPair);
}

function isTensorPair(p: [string, unknown]): p is [string, Tensor] {
  return typeof p[1] === "object" && p[1] !== null && typeof (p[1] as { id?: unknown }).id === "number";
}

export function trainingOf(module: object): boolean {
  const t = (module as { training?: unknown }).training;
  return typeof t === "boolean" ? t : true;
}

export interface GroupView {
  lr: number;
  momentum: number | null;
  weightDecay: number | null;
  params: Tensor[];
}

/** An optimizer's paramGroups, read defensively. */
export function groupsOf(optimizer: object): GroupView[] {
  const raw = (optimizer as { paramGroups?: unknown }).paramGroups;
  if (!Array.isArray(raw)) return [];
  return raw.map((g) => {
    const group = (g ?? {}) as Record<string, unknown>;
    const params = Array.isArray(group.params) ? (group.params as unknown[]).filter(isTensorLike) : [];
    const momentum = group.momentum;
    const weightDecay = group.weightDecay;
    return {
      lr: typeof group.lr === "number" ? group.lr : NaN,
      momentum: typeof momentum === "number" ? momentum : null,
      weightDecay: typeof weightDecay === "number" ? weightDecay : null,
      params,
    };
  });
}

function isTensorLike(v: unknown): v is Tensor {
  return typeof v === "object" && v !== null && typeof (v as { id?: unknown }).id === "number" && Array.isArray((v as { shape?: unknown }).shape);
}

export function classNameOf(obj: object): string {
  return (obj as { constructor?: { name?: string } }).constructor?.name || "Object";
}
