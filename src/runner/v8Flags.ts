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
