// Vitest setup of the second engine pass: every matmul runs in the TypeScript kernels (the fallback
// when WebAssembly is unavailable), so each op's tests hold for both kernel sets.
import { setKernelBackend } from "../../src/engine/kernels/matmul";

setKernelBackend("js");
