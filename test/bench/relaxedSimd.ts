// Node 20's V8 (11.3) has WebAssembly relaxed SIMD behind a flag (on by default from Node 22 and in
// VS Code's Electron); the engine's GEMM picks its FMA build when the engine validates it (+~20%).
// Imported first by the benchmarks, before any kernel loads (the check's child gets the flag on its
// command line: src/runner/run.ts childV8Flags). Only on Node 20: newer V8s
// no longer know the flag and would print an error.
import { setFlagsFromString } from "node:v8";

if (process.versions.node.split(".")[0] === "20") setFlagsFromString("--experimental-wasm-relaxed-simd");
