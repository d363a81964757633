// Public surface of the runner (for the CLI and the extension).
export { runCheck, isAnalysisFailure, type CheckOptions } from "./check";
export { runFile, defaultWorkerPath, DEFAULTS, InstallError, type RunOptions } from "./run";
