// No imports: the benchmarks load this before any kernel, to set the same flags in-process.
/**
 * V8 flags the child needs for the engine's fastest kernels: V8 before 11.4 (Node 20) has relaxed
 * SIMD (the FMA matmul build) behind a flag; later ones have it on, and newer ones reject the flag.
 * The child runs the host's own binary, so the host's V8 version is the child's.
 */
export function childV8Flags(v8Version = process.versions.v8): string[] {
  const [major = 0, minor = 0] = v8Version.split(".").map(Number);
  return major < 11 || (major === 11 && minor < 4) ? ["--experimental-wasm-relaxed-simd"] : [];
}

/**
 * The child's garbage collector, as command-line flags (the heap is sized at start), which Node and
 * Electron's node mode accept like --max-old-space-size; the in-process benchmarks do not set them.
 * - The young generation at its smallest (1 MiB semi-spaces, instead of growing to 16–32 MiB): a
 *   training step's tensors are small JS objects holding large ArrayBuffers, so with a big young
 *   generation a dead tensor's memory is only freed several MB of JS allocation later, and the next
 *   tensor takes fresh pages (3–6 ms per 2 MiB on a VM). Scavenged sooner, its memory goes back to
 *   malloc and the next tensor of its size reuses it: ~8–10 % fewer page faults and less CPU time in
 *   a ResNet-18 check.
 * - No concurrent marking: the tensors' ArrayBuffers start a full (mark-compact) collection every
 *   10–20 MB of external memory, and with the GEMM helper thread on the second core V8's concurrent
 *   markers only compete for the cores, so each cycle finishes on the main thread anyway and the next
 *   one starts sooner. Marking on the main thread, incrementally, a warm ResNet-18 check ran 3
 *   mark-compacts instead of 14 and paused ~100 ms instead of ~320 ms in the GC (median of 12; Node
 *   24: 6 instead of 17, 190 ms instead of 300 ms; the transformer check 180 ms instead of 320 ms),
 *   for ~30 MB more resident memory (dead tensors wait a little longer); the heap itself is ~10 MB.
 */
export const CHILD_HEAP_FLAGS: readonly string[] = ["--max-semi-space-size=1", "--no-concurrent-marking"];
