import type { RunError } from "../protocol/report";
import type { Site } from "../trace/schema";
import type { CallSiteLike, SiteCapture } from "../trace/sites";

// Thrown values → RunError with the user's file, line and column. Stack traces are kept structured
// (V8 CallSites recorded by a prepareStackTrace hook) so the innermost user frame can be mapped
// through the source map; the printed stack shows user frames only, in TypeScript positions.

const callSitesOf = new WeakMap<object, CallSiteLike[]>();

export function installStackHook(sites: SiteCapture): void {
  Error.prepareStackTrace = (error: Error, frames: NodeJS.CallSite[]) => {
    if (typeof error === "object" && error !== null) callSitesOf.set(error, frames);
    const header = `${error?.name ?? "Error"}: ${error?.message ?? ""}`;
    const lines = frames.flatMap((f) => {
      const [site] = sites.sitesOf([f]);
      if (site === undefined) return [];
      const fn = f.getFunctionName();
      return [`    at ${fn ? `${fn} (` : ""}${site.file}:${site.line}:${site.column}${fn ? ")" : ""}`];
    });
    return [header, ...lines].join("\n");
  };
}

function framesOf(e: unknown): CallSiteLike[] {
  if (typeof e !== "object" || e === null) return [];
  void (e as { stack?: unknown }).stack; // runs prepareStackTrace once, which records the frames
  return callSitesOf.get(e) ?? [];
}

export function describeThrown(
  e: unknown,
  kind: RunError["kind"],
  sites: SiteCapture,
  fallback: Site,
): RunError {
  const site = sites.sitesOf(framesOf(e))[0] ?? fallback;
  let message: string;
  let stack: string | undefined;
  if (e instanceof Error) {
    message = e.name && e.name !== "Error" ? `${e.name}: ${e.message}` : e.message;
    stack = typeof e.stack === "string" ? e.stack : undefined;
  } else {
    message = `a non-Error value was thrown: ${safeString(e)}`;
  }
  const out: RunError = { kind, message, file: site.file, line: site.line, column: site.column };
  if (stack !== undefined) out.stack = stack;
  return out;
}

function safeString(v: unknown): string {
  try {
    return typeof v === "string" ? JSON.stringify(v) : String(v);
  } catch {
    return Object.prototype.toString.call(v);
  }
}
