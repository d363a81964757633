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
 * The child's young generation at its smallest (1 MiB semi-spaces, instead of growing to 16–32 MiB): a
 * training step's tensors are small JS objects holding large ArrayBuffers, so with a big young
 * generation a dead tensor's memory is only freed several MB of JS allocation later, and the next
 * tensor takes fresh pages (3–6 ms per 2 MiB on a VM). Scavenged sooner, its memory goes back to malloc
 * and the next tensor of its size reuses it: ~8–10 % fewer page faults and less CPU time in a
 * ResNet-18 check. A command-line flag (the heap is sized at start), which Node and Electron's node
 * mode accept like --max-old-space-size; the in-process benchmarks do not set it.
 */
export const CHILD_HEAP_FLAGS: readonly string[] = ["--max-semi-space-size=1"];
