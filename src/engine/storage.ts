import type { TypedArray } from "./dtype";

// The memory behind one or more tensors. Views (detach, view, transpose, ...) share it; in-place ops
// bump `version`, which is how autograd notices a saved tensor was modified.
let nextStorageId = 1;

export class Storage {
  version = 0;
  /** creation order: lets backward tell the memory it made itself from memory others may hold */
  readonly id = nextStorageId++;
  constructor(public data: TypedArray) {}
}

/** The id the next Storage will get. */
export function peekStorageId(): number {
  return nextStorageId;
}
