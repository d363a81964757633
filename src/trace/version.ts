// The Trace format's version, apart from schema.ts: the child process writes traces but never
// validates one, so it must not load TypeBox and build every schema at its start-up (issue 19).
export const TRACE_VERSION = 2 as const;
