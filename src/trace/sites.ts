import type { Site } from "./schema";

// Where in the user's source an engine call came from. The recorder asks for a site on every hook,
// so this is the hot path of tracing: V8 call sites are captured (structured, no string formatting),
// the first frame that belongs to the user's bundle is picked, and its bundle position is mapped to
// the TypeScript source once per unique position (cached by the frame's character offset: V8 turns
// an offset into a line and column by a search of the script's line ends, ~0.5 µs a frame).
//
// What a capture costs (trace bench, Node 20 and 24, 2026-12): ~8-12 µs in a trained step, 5 per
// step: 0.25-0.30 × the untraced step on Node 24. V8 summarizes every physical frame from the top of
// the stack down to the last one taken, plus the next one: the tracer's frames, the engine's, the
// user's (~1-2 µs each when optimized, the values of every inlined function rebuilt; a Sparkplug
// frame by a scan of its function's bytecode, ~100 µs for a 3,000-statement top level); reading
// `stack` then calls Node's prepareStackTrace hook (~1.5 µs). Tried, the row did not improve: fewer
// registers in the frames above (a leaner capture(), the recorder's onEvent split into handlers).
// Capturing in the hook's own frame saved ~0.03× in-process, but Node 24 does not inline the capture
// path into the hooks (their call sites are too infrequent). Only fewer captures would move it much.

/** Maps a position in the user's bundle (1-based line and column, as V8 reports them) to a source site. */
export interface PositionMapper {
  map(line: number, column: number): Site | null;
}

export interface CallSiteLike {
  getFileName(): string | null | undefined;
  getLineNumber(): number | null;
  getColumnNumber(): number | null;
  /** the character offset in its script (V8's CallSite has it; one per line and column) */
  getPosition(): number;
  getFunctionName(): string | null;
  isConstructor(): boolean;
}

/** any function: V8 compares it by identity with the functions on the stack */
export type AnyFunction = (...args: never[]) => unknown;

const MAX_FRAMES = 40;
// The user's frame is usually a few frames in: a short capture first (each frame taken costs, ~1-2 µs
// in a model's step: V8 summarizes optimized frames with their inlined calls), the full one only when
// the short one held no user frame and was cut off. The short one's length is learnt per hook (one
// engine call path is taken over and over): the deepest user frame found under it so far, from
// FIRST_FRAMES_MIN up to FIRST_FRAMES_MAX.
const FIRST_FRAMES_MIN = 1;
const FIRST_FRAMES_MAX = 16;

const framesAsIs: NonNullable<typeof Error.prepareStackTrace> = (_e, frames) => frames;
/** one object for every capture: a fresh one changes shape at each (V8 adds its `stack` accessor), ~0.3 µs */
const holder: { stack?: unknown } = {};

/** Frames below the innermost call of `above` (default: this function's caller and down). */
function captureCallSites(limit: number, above: AnyFunction = captureCallSites): CallSiteLike[] {
  const prevPrepare = Error.prepareStackTrace;
  const prevLimit = Error.stackTraceLimit;
  Error.prepareStackTrace = framesAsIs;
  Error.stackTraceLimit = limit;
  Error.captureStackTrace(holder, above);
  const frames = holder.stack as CallSiteLike[];
  Error.prepareStackTrace = prevPrepare;
  Error.stackTraceLimit = prevLimit;
  return Array.isArray(frames) ? frames : [];
}

export class SiteCapture {
  /** character offset in the bundle (one per line and column) → mapped site (null: maps to library
   * code, keep looking); a small-integer key, unlike line × a million, which outgrew them in a long bundle */
  private readonly byPosition = new Map<number, Site | null>();
  /** per path (see capture): how many frames the short capture takes (see FIRST_FRAMES_MIN) */
  private readonly firstFrames = new Map<unknown, number>();

  constructor(
    /** the file name V8 reports for frames of the user's bundle */
    private readonly bundleFileName: string,
    private readonly mapper: PositionMapper,
  ) {}

  /**
   * The user's innermost frame. `skipConstructors` names classes whose constructor frames are not
   * the answer (for `new Generator()`, the `super()` line inside Generator is not where it was made).
   * `above`, a function on the stack (the tracer's hook), leaves its frame and the ones it called
   * out of the capture: they are never the user's, and each frame taken costs.
   * `path` names the engine call path more finely than `above` (one hook hears zeroGrad() one frame
   * below the user's line and a module call three below): the short capture's length is learnt per path.
   */
  capture(skipConstructors?: ReadonlySet<string>, above?: AnyFunction, path: unknown = above): Site | null {
    const limit = this.firstFrames.get(path) ?? FIRST_FRAMES_MIN;
    const first = captureCallSites(limit, above);
    if (first.length === 0 && above !== undefined) {
      // V8 takes no frame at all when `above` is not on the stack
      return this.capture(skipConstructors);
    }
    const found = this.innermost(first, skipConstructors);
    // the short capture is a prefix of the full one: the same answer when it found one or was complete
    if (found !== null || first.length < limit) return found?.site ?? null;
    const full = this.innermost(captureCallSites(MAX_FRAMES, above), skipConstructors);
    if (full !== null) this.firstFrames.set(path, Math.max(limit, Math.min(FIRST_FRAMES_MAX, full.index + 1)));
    return full?.site ?? null;
  }

  private innermost(frames: CallSiteLike[], skipConstructors: ReadonlySet<string> | undefined): { site: Site; index: number } | null {
    for (let i = 0; i < frames.length; i++) {
      const f = frames[i];
      if (f.getFileName() !== this.bundleFileName) continue;
      if (skipConstructors !== undefined && f.isConstructor() && skipConstructors.has(f.getFunctionName() ?? "")) continue;
      const site = this.siteOf(f);
      if (site !== null) return { site, index: i };
    }
    return null;
  }

  /**
   * The user's frames, innermost first (at most `max`), and the names of the user-written
   * constructors on the stack: for a module made in a factory (`return new ResNet()`) the caller's
   * line names it (`const modelConv = resnet18()`), and a module made inside another module's
   * constructor is that module's part.
   */
  captureChain(skipConstructors?: ReadonlySet<string>, max = 4): { sites: Site[]; constructors: string[] } {
    const sites: Site[] = [];
    const constructors: string[] = [];
    for (const f of captureCallSites(MAX_FRAMES)) {
      if (f.getFileName() !== this.bundleFileName) continue;
      const isOwn = f.isConstructor() && skipConstructors !== undefined && skipConstructors.has(f.getFunctionName() ?? "");
      if (isOwn) continue;
      if (f.isConstructor() && f.getFunctionName()) constructors.push(f.getFunctionName()!);
      if (sites.length < max) {
        const site = this.siteOf(f);
        if (site !== null) sites.push(site);
      }
    }
    return { sites, constructors };
  }

  /** Sites of a thrown error's frames (innermost first), user frames only. */
  sitesOf(frames: readonly CallSiteLike[]): Site[] {
    const out: Site[] = [];
    for (const f of frames) {
      if (f.getFileName() !== this.bundleFileName) continue;
      const site = this.siteOf(f);
      if (site !== null) out.push(site);
    }
    return out;
  }

  private siteOf(f: CallSiteLike): Site | null {
    const position = f.getPosition();
    let site = this.byPosition.get(position);
    if (site === undefined) {
      site = this.mapper.map(f.getLineNumber() ?? 0, f.getColumnNumber() ?? 0);
      this.byPosition.set(position, site);
    }
    return site;
  }
}

/** Names of the classes along an object's prototype chain ("Generator", "Module"). */
export function classChainNames(obj: object): Set<string> {
  const names = new Set<string>();
  let proto: unknown = Object.getPrototypeOf(obj);
  while (proto !== null && proto !== Object.prototype && typeof proto === "object") {
    const ctor = (proto as { constructor?: { name?: string } }).constructor;
    if (ctor?.name) names.add(ctor.name);
    proto = Object.getPrototypeOf(proto);
  }
  return names;
}
