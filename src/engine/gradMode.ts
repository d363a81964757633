import { observer } from "./observer";

// Grad mode as save/restore, like torch.autograd.grad_mode. JS has no `with`, so the context managers
// take a callback. An async callback keeps the mode until its promise settles: code in *other* tasks
// that runs while it awaits also sees grad disabled, since the mode is global (as a thread-local is
// in PyTorch's single-threaded eager code).

let enabled = true;

export function isGradEnabled(): boolean {
  return enabled;
}

export function setGradEnabled(flag: boolean): void {
  enabled = flag;
  if (observer !== null) observer.onGradMode?.({ kind: "set-grad-enabled", enabled: flag }, flag);
}

function withMode<T>(flag: boolean, fn: () => T, enter: "no-grad-enter" | "enable-grad-enter"): T {
  const prev = enabled;
  const exit = enter === "no-grad-enter" ? "no-grad-exit" : "enable-grad-exit";
  enabled = flag;
  if (observer !== null) observer.onGradMode?.({ kind: enter }, flag);
  const restore = () => {
    enabled = prev;
    if (observer !== null) observer.onGradMode?.({ kind: exit }, prev);
  };
  let result: T;
  try {
    result = fn();
  } catch (e) {
    restore();
    throw e;
  }
  if (isPromiseLike(result)) {
    return (result as unknown as Promise<unknown>).finally(restore) as unknown as T;
  }
  restore();
  return result;
}

function isPromiseLike(v: unknown): boolean {
  return typeof v === "object" && v !== null && typeof (v as { then?: unknown }).then === "function";
}

/** Runs `fn` with gradient recording disabled and returns its value (torch.no_grad). */
export function noGrad<T>(fn: () => T): T {
  return withMode(false, fn, "no-grad-enter");
}

/** Runs `fn` with gradient recording enabled, e.g. inside a noGrad region (torch.enable_grad). */
export function enableGrad<T>(fn: () => T): T {
  return withMode(true, fn, "enable-grad-enter");
}

/** For the engine's own use (backward): switches the mode without telling observers. */
export function setGradEnabledQuietly(flag: boolean): void {
  enabled = flag;
}
