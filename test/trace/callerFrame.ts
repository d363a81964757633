// The frame of whoever calls callerFrame(), as V8 reports it: the file (the .ts under vitest,
// dist/bench.js in the bench bundle) and the line in that file as it runs. Tests and benchmarks of
// site capture build their SiteCapture on this file name and compare its lines with the sites found.
export function callerFrame(): { file: string; line: number } {
  const prev = Error.prepareStackTrace;
  Error.prepareStackTrace = (_e, frames) => frames;
  const holder: { stack?: unknown } = {};
  Error.captureStackTrace(holder, callerFrame);
  const frames = holder.stack as Array<{ getFileName(): string | null; getLineNumber(): number | null }>;
  Error.prepareStackTrace = prev;
  return { file: frames[0]?.getFileName() ?? "", line: frames[0]?.getLineNumber() ?? 0 };
}
