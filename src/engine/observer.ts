import type { Tensor } from "./tensor";
import type { Node } from "./autograd/node";

// The one seam between the engine and whoever watches it (src/trace). Every hook site is a single
// `observer !== null` check, so an unobserved engine pays nothing measurable for it.

export type GradModeChange =
  | { kind: "no-grad-enter" | "no-grad-exit" | "enable-grad-enter" | "enable-grad-exit" }
  | { kind: "set-grad-enabled"; enabled: boolean };

export interface EngineObserver {
  /** A tensor made by a factory (tensor, zeros, randn, ...) or an nn.Parameter. */
  onLeafCreated?(t: Tensor, factory: string): void;
  /** Every op that produced a tensor; `node` is null when no graph was recorded (grad off or no input requires grad). */
  onOp?(op: string, node: Node | null, inputs: readonly Tensor[], outputs: readonly Tensor[]): void;
  onDetach?(source: Tensor, result: Tensor, inPlace: boolean): void;
  onGradMode?(change: GradModeChange, enabledAfter: boolean): void;
  onRequiresGradChange?(t: Tensor, flag: boolean, via: "requiresGrad" | "requiresGrad_"): void;
  onInplace?(t: Tensor, op: string): void;
  onBackwardStart?(root: Tensor, options: { retainGraph: boolean; createGraph: boolean }): void;
  /** `grad` and the leaf's new `.grad` are lent for this call: the engine recycles a gradient only it
   * held at zeroGrad(setToNone), so an observer reads them now and keeps no reference that reads later. */
  onAccumulateGrad?(leaf: Tensor, grad: Tensor): void;
  onBackwardEnd?(root: Tensor, error: unknown): void;
  /** Events from nn and optim; see EngineEvent. */
  onEvent?(event: EngineEvent): void;
}

// nn and optim report through these (typed loosely here so the engine core does not import nn/optim).
export type EngineEvent =
  /** a Module was constructed (fires from the base constructor, before subclass fields exist) */
  | { kind: "module-created"; module: object }
  /** forward() of a module started / ended: ops in between ran inside it */
  | { kind: "module-enter"; module: object }
  | { kind: "module-exit"; module: object }
  /** a functional made of several ops (F.crossEntropy) started / ended: its ops share the caller's line */
  | { kind: "functional-enter" | "functional-exit"; name: string }
  /** module.requiresGrad_(flag) on a whole module (each parameter's change also fires onRequiresGradChange) */
  | { kind: "module-requires-grad"; module: object; flag: boolean }
  | { kind: "module-train"; module: object; mode: boolean }
  /** a buffer (e.g. BatchNorm running stats) was updated in place */
  | { kind: "buffer-update"; module: object; name: string; buffer: Tensor }
  | { kind: "optimizer-created"; optimizer: object }
  /** before: parameters are about to change; after: they have changed */
  | { kind: "optimizer-step"; optimizer: object; phase: "before" | "after" }
  | { kind: "zero-grad"; owner: object; setToNone: boolean }
  /** user code assigned `t.grad` (cleared: the value was null); the engine's own writes are silent */
  | { kind: "grad-set"; tensor: Tensor; cleared: boolean }
  | { kind: "param-group-added"; optimizer: object; group: object }
  /** user code assigned `t.data = source` (its values were replaced outside autograd) */
  | { kind: "data-set"; tensor: Tensor; source: Tensor }
  /** torch.autograd.grad: a backward sweep whose gradients are returned, not accumulated into `.grad` */
  | { kind: "autograd-grad"; phase: "start" | "end"; outputs: readonly Tensor[]; inputs: readonly Tensor[] };

export let observer: EngineObserver | null = null;

export function setObserver(next: EngineObserver | null): EngineObserver | null {
  const prev = observer;
  observer = next;
  return prev;
}

export function getObserver(): EngineObserver | null {
  return observer;
}
