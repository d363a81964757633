// SiteCapture takes a short stack first and the full one only when needed: a user frame deeper than
// the short capture must still be found, and the innermost one wins when both would find one.
import { describe, expect, it } from "vitest";
import { SiteCapture } from "../../src/trace/sites";
import { deep } from "./deepStack";

type Frame = { getFileName(): string | null; getLineNumber(): number };

/** The innermost frame of this file as V8 reports it. */
function here(): Frame {
  const prev = Error.prepareStackTrace;
  Error.prepareStackTrace = (_e, frames) => frames;
  const holder: { stack?: unknown } = {};
  Error.captureStackTrace(holder, here);
  const frames = holder.stack as Frame[];
  Error.prepareStackTrace = prev;
  return frames[0]!;
}

describe("SiteCapture", () => {
  const sites = new SiteCapture(here().getFileName() ?? "", { map: (line, column) => ({ file: "t.ts", line, column }) });

  for (const depth of [0, 5, 10, 11, 12, 30]) {
    it(`finds the user's line under ${depth} frames of other code`, () => {
      const [site, want] = [deep(depth, () => sites.capture()), deep(depth, () => here())];
      expect(site?.line).toBe(want.getLineNumber());
    });
  }

  it("finds the user's line at any depth after deeper or shallower captures (the short capture adapts)", () => {
    const fresh = new SiteCapture(here().getFileName() ?? "", { map: (line, column) => ({ file: "t.ts", line, column }) });
    for (const depth of [30, 0, 14, 3, 40, 1]) {
      const [site, want] = [deep(depth, () => fresh.capture()), deep(depth, () => here())];
      expect(site?.line).toBe(want.getLineNumber());
    }
  });

  it("leaves out the frames of `above` and what it called (the tracer's hook), and ignores it when it is not on the stack", () => {
    // hook() is in this file too: without `above`, its own line is the innermost user frame
    function hook(above?: () => unknown): ReturnType<SiteCapture["capture"]> {
      return deep(3, () => sites.capture(undefined, above));
    }
    const caller = here().getLineNumber() + 1;
    const [withAbove, without] = [deep(4, () => hook(hook)), deep(4, () => hook())];
    expect(withAbove?.line).toBe(caller);
    expect(without?.line).toBe(caller - 3);
    const notOnStack = (): null => null;
    expect(deep(2, () => hook(notOnStack))?.line).toBe(caller - 3);
  });

  it("skips frames mapped to no site (library code in the user's bundle) and finds the caller beneath", () => {
    const outer = here().getLineNumber() + 1;
    const site = deep(20, () => ((): unknown => innerLibrary(sitesSkipping(outer)))());
    expect((site as { line: number } | null)?.line).toBe(outer);
  });

  it("returns null when no frame is the user's", () => {
    const none = new SiteCapture("/no/such/file.js", { map: (line, column) => ({ file: "t.ts", line, column }) });
    expect(deep(3, () => none.capture())).toBeNull();
    expect(deep(30, () => none.capture())).toBeNull();
  });
});

/** A SiteCapture of this file mapping every line but `keep` to no site. */
function sitesSkipping(keep: number): SiteCapture {
  return new SiteCapture(here().getFileName() ?? "", { map: (line, column) => (line === keep ? { file: "t.ts", line, column } : null) });
}
function innerLibrary(s: SiteCapture): unknown {
  return deep(15, () => s.capture());
}
