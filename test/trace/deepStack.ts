// A call `depth` frames deep in a file other than the caller's (engine code between a user's line and
// the tracer, in SiteCapture's tests).
export function deep<T>(depth: number, f: () => T): T {
  return depth === 0 ? f() : deep(depth - 1, f);
}
