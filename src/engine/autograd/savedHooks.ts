import { Tensor } from "../tensor";

// torch.autograd.graph.saved_tensors_hooks: while a pair of hooks is set, every tensor a backward node
// saves is handed to packHook and the node keeps what it returns; unpackHook turns that back into a
// tensor when backward reads it. Only the innermost pair applies (as in PyTorch).

export type PackHook = (t: Tensor) => unknown;
export type UnpackHook = (packed: unknown) => Tensor;
export interface SavedHooks { pack: PackHook; unpack: UnpackHook }
export interface Packed { value: unknown; unpack: UnpackHook }

const stack: SavedHooks[] = [];
/** > 0 while a pack hook runs: the hook's own ops (x.mul(2)) may save tensors, which are not packed again */
let packing = 0;

export function pushSavedHooks(hooks: SavedHooks): void {
  stack.push(hooks);
}
export function popSavedHooks(): void {
  stack.pop();
}

/** Packs `t` with the innermost hooks, or returns null when none are set. */
export function packSaved(t: Tensor): Packed | null {
  const hooks = stack.at(-1);
  if (hooks === undefined || packing > 0) return null;
  packing++;
  try {
    return { value: hooks.pack(t), unpack: hooks.unpack };
  } finally {
    packing--;
  }
}

export function unpackSaved(p: Packed): Tensor {
  const t = p.unpack(p.value);
  if (!(t instanceof Tensor)) {
    throw new TypeError(`Output of saved tensor unpack_hook expected to be a Tensor but got result of type ${t === null ? "null" : typeof t}`);
  }
  return t;
}
