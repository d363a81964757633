// torch.autograd in camelCase: `autograd.grad(loss, [x], { createGraph: true })`, `autograd.Function`.

export { grad, backward, type GradOptions, type AutogradBackwardOptions } from "./grad";
export { Function, FunctionCtx } from "./function";
export { gradcheck, type GradcheckOptions } from "./gradcheck";

let anomaly = false;
/** torch.autograd.set_detect_anomaly: recorded only (the engine names the failing op in its errors anyway). */
export function setDetectAnomaly(mode: boolean): void {
  anomaly = mode;
}
export function isAnomalyEnabled(): boolean {
  return anomaly;
}
export * as graph from "./graph";
