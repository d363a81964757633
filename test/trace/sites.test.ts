// SiteCapture takes a short stack first and the full one only when needed: a user frame deeper than
// the short capture must still be found, and the innermost one wins when both would find one.
import { describe, expect, it } from "vitest";
import { SiteCapture } from "../../src/trace/sites";
import { callerFrame } from "./callerFrame";
import { deep } from "./deepStack";

describe("SiteCapture", () => {
  const sites = new SiteCapture(callerFrame().file, { map: (line, column) => ({ file: "t.ts", line, column }) });

  for (const depth of [0, 5, 10, 11, 12, 30]) {
    it(`finds the user's line under ${depth} frames of other code`, () => {
      const [site, want] = [deep(depth, () => sites.capture()), deep(depth, () => callerFrame())];
      expect(site?.line).toBe(want.line);
    });
  }

  it("finds the user's line at any depth after deeper or shallower captures (the short capture adapts)", () => {
    const fresh = new SiteCapture(callerFrame().file, { map: (line, column) => ({ file: "t.ts", line, column }) });
    for (const depth of [30, 0, 14, 3, 40, 1]) {
      const [site, want] = [deep(depth, () => fresh.capture()), deep(depth, () => callerFrame())];
      expect(site?.line).toBe(want.line);
    }
  });

  it("leaves out the frames of `above` and what it called (the tracer's hook), and ignores it when it is not on the stack", () => {
    // hook() is in this file too: without `above`, its own line is the innermost user frame
    function hook(above?: () => unknown): ReturnType<SiteCapture["capture"]> {
      return deep(3, () => sites.capture(undefined, above));
    }
    const caller = callerFrame().line + 1;
    const [withAbove, without] = [deep(4, () => hook(hook)), deep(4, () => hook())];
    expect(withAbove?.line).toBe(caller);
    expect(without?.line).toBe(caller - 3);
    const notOnStack = (): null => null;
    expect(deep(2, () => hook(notOnStack))?.line).toBe(caller - 3);
  });

  it("learns the short capture's length per path: a shallow call path under the same hook stays short after a deep one", () => {
    const fresh = new SiteCapture(callerFrame().file, { map: (line, column) => ({ file: "t.ts", line, column }) });
    function hook(path: string): ReturnType<SiteCapture["capture"]> {
      return fresh.capture(undefined, hook, path);
    }
    // `depth` frames of deepStack.ts between the hook and this line
    const call = (path: string, depth: number) => [deep(depth, hook.bind(null, path))?.line, callerFrame().line];
    const calls = [["deep", 12], ["shallow", 0], ["deep", 12], ["shallow", 0]] as const;
    const lines: Array<Array<number | undefined>> = [];
    const limits = stackTraceLimitsDuring(() => {
      for (const [path, depth] of calls) lines.push(call(path, depth));
    });
    for (const [found, want] of lines) expect(found).toBe(want);
    // each path's first call: 1 frame, then the full 40; then what it learnt: deep 14 (13 frames of
    // deepStack.ts and this line's), shallow 2 (deep(0) is a frame too) — not the deep path's 14
    expect(limits).toEqual([1, 40, 1, 40, 14, 2]);
    // a deeper call on the shallow path is still found (its short capture held no user frame and was cut off)
    const [found, want] = call("shallow", 5);
    expect(found).toBe(want);
  });

  it("skips frames mapped to no site (library code in the user's bundle) and finds the caller beneath", () => {
    const outer = callerFrame().line + 1;
    const site = deep(20, () => ((): unknown => innerLibrary(sitesSkipping(outer)))());
    expect((site as { line: number } | null)?.line).toBe(outer);
  });

  it("gives two calls on one line their own columns, and each position one site object, mapped once", () => {
    const mapped: string[] = [];
    const fresh = new SiteCapture(callerFrame().file, {
      map: (line, column) => (mapped.push(`${line}:${column}`), { file: "t.ts", line, column }),
    });
    const twice = (): Array<ReturnType<SiteCapture["capture"]>> => [deep(2, () => fresh.capture()), deep(2, () => fresh.capture())];
    const line = callerFrame().line + 1;
    const [[a, b], [a2, b2]] = [twice(), twice()];
    expect(a?.line).toBe(line - 2); // both calls are on twice()'s line, at two columns
    expect(b?.line).toBe(line - 2);
    expect(b!.column).toBeGreaterThan(a!.column);
    expect([a2, b2]).toEqual([a, b]);
    expect(a2).toBe(a); // the same object: repeat counters key on it
    expect(b2).toBe(b);
    expect(mapped.filter((p) => p.startsWith(`${line - 2}:`))).toHaveLength(2); // mapped once per position
  });

  it("returns null when no frame is the user's", () => {
    const none = new SiteCapture("/no/such/file.js", { map: (line, column) => ({ file: "t.ts", line, column }) });
    expect(deep(3, () => none.capture())).toBeNull();
    expect(deep(30, () => none.capture())).toBeNull();
  });
});

/** Error.stackTraceLimit at each stack capture `body` makes with `above` (the frames V8 is asked to take). */
function stackTraceLimitsDuring(body: () => void): number[] {
  const limits: number[] = [];
  const original = Error.captureStackTrace;
  Error.captureStackTrace = (target: object, above?: Function) => {
    if (above !== callerFrame) limits.push(Error.stackTraceLimit);
    original(target, above);
  };
  try {
    body();
  } finally {
    Error.captureStackTrace = original;
  }
  return limits;
}

/** A SiteCapture of this file mapping every line but `keep` to no site. */
function sitesSkipping(keep: number): SiteCapture {
  return new SiteCapture(callerFrame().file, { map: (line, column) => (line === keep ? { file: "t.ts", line, column } : null) });
}
function innerLibrary(s: SiteCapture): unknown {
  return deep(15, () => s.capture());
}
