// @ts-nocheck -- AssemblyScript source (compiled by scripts/build-wasm.mjs), not plain TypeScript.
// The wasm module's entry: one module (one memory) holds every kernel.
export {
  heapBase, setBlocking, blockMC, blockKC, blockNC, gemmWorkBytes, microKernelF32, microKernelF64,
  microKernel4F32, microKernel4F64, sgemm, dgemm,
  sgemmBatch, dgemmBatch, sgemmBatchSplit,
} from "./gemm";
export * from "./optim";
export { im2colImagesF32, col2imImagesF32, sideBySideF32, splitSideBySideF32 } from "./im2col";
export { winogradPlaneFloats, winogradWeightF32, winogradInputF32, winogradOutputF32,
  winogradGradOutputF32, winogradWeightGradF32,
} from "./winograd";
export * from "./gelu";
export * from "./batchNorm";
export * from "./relu";
export {
  attachHelper, detachHelper, helperLoop,
  CONTROL_HELPER_PANELS, CONTROL_HELPER_WORK, CONTROL_HELPER_WORK_BYTES, CONTROL_ALIVE, CONTROL_HELPER_BUF,
  CONTROL_HELPER_BUF_BYTES, CONTROL_PACK_BUF, CONTROL_PACK_BUF_BYTES, CONTROL_STATES, CONTROL_BYTES,
} from "./threads";
