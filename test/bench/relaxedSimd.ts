// Node 20's V8 has WebAssembly relaxed SIMD behind a flag; the engine's GEMM picks its FMA build when
// the engine validates it (+~20%). Imported first by the benchmarks, before any kernel loads, so they
// measure what a check's child runs (it gets the same flags on its command line).
import { setFlagsFromString } from "node:v8";
import { childV8Flags } from "../../src/runner/v8Flags";

for (const flag of childV8Flags()) setFlagsFromString(flag);
