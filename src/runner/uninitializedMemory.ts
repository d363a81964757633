import { setUninitializedMemory } from "../engine/bufferPool";

// The check's child gives the engine memory without zero-filling for op outputs it writes in full
// (bufferPool.ts allocateUninitialized): `new Float32Array(n)` is calloc, whose memset of reused
// malloc memory costs ~0.2 ms per 2 MB (~5× malloc's) — a ResNet-18 step allocates ~110 MB that way.
// Buffer.allocUnsafeSlow is Node's malloc-backed ArrayBuffer of exactly the size asked (offset 0,
// so the buffer pool can take it back).

export function installUninitializedMemory(): void {
  setUninitializedMemory((bytes) => Buffer.allocUnsafeSlow(bytes).buffer as ArrayBuffer);
}
