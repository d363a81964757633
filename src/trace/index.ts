// Public surface of the tracer: an EngineObserver that records one run as a Trace (see schema.ts).
export * from "./schema";
export { TraceRecorder, type RecorderOptions } from "./recorder";
export { SiteCapture, classChainNames, type PositionMapper, type CallSiteLike } from "./sites";
export { StopSignal, isStopSignal, type StopPolicy, type StopCounts } from "./stop";
export { variableNameAt, type SourceText } from "./variableNames";
export { emptyTrace } from "./emptyTrace";
