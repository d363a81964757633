// @ts-nocheck -- AssemblyScript source (compiled by scripts/build-wasm.mjs), not plain TypeScript.
// The wasm module's entry: one module (one memory) holds every kernel.
export * from "./gemm";
export * from "./optim";
export * from "./im2col";
