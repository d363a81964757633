import type { TypedArray } from "./dtype";

// The memory behind one or more tensors. Views (detach, view, transpose, ...) share it; in-place ops
// bump `version`, which is how autograd notices a saved tensor was modified.
export class Storage {
  version = 0;
  constructor(public data: TypedArray) {}
}
