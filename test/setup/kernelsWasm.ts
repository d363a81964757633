// Vitest setup of the default project: every matmul runs in the wasm SIMD kernels, even the tiny
// shapes of the op tests (which the dispatcher would otherwise leave to the JS kernels).
import { isWasmAvailable, setKernelBackend, setWasmMinWork } from "../../src/engine/kernels/matmul";

if (isWasmAvailable()) {
  setKernelBackend("wasm");
  setWasmMinWork(0);
}
