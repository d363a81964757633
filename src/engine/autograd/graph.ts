import { pushSavedHooks, popSavedHooks, type PackHook, type UnpackHook } from "./savedHooks";

// torch.autograd.graph: `with saved_tensors_hooks(pack, unpack): ...` is a scope here, as noGrad(fn).

/**
 * Runs `fn` with a pair of hooks for the tensors backward nodes save: packHook(t) when an op saves
 * `t` (its result is kept instead), unpackHook(packed) when backward reads it back.
 * `autograd.graph.savedTensorsHooks((x) => x.mul(2), (x) => x, () => a.mul(b))`.
 */
export function savedTensorsHooks<T>(packHook: PackHook, unpackHook: UnpackHook, fn: () => T): T {
  if (typeof packHook !== "function" || typeof unpackHook !== "function" || typeof fn !== "function") {
    throw new TypeError("savedTensorsHooks(packHook, unpackHook, fn): three functions expected");
  }
  pushSavedHooks({ pack: packHook, unpack: unpackHook });
  try {
    return fn();
  } finally {
    popSavedHooks();
  }
}
