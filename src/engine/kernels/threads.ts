/**
 * The helper thread for large GEMMs (assembly/threads.ts: how the two threads share a product): the seam between the engine, which has no
 * threads of its own (no Node-only APIs here), and a host that can start one (the check's child:
 * src/runner/kernelThread.ts starts a worker_threads Worker). The host hands over a starter; when the
 * kernels load, they take the threaded build on a shared memory, reserve the control block and the
 * helper's workspace, and call the starter once with what the helper thread's instance needs.
 */
import type { GemmExports } from "./wasm/loader";

/** What a helper thread needs: the compiled module, the shared memory, the control block's address (and its layout, for tests' stand-in helpers). */
export interface HelperThreadInit {
  module: WebAssembly.Module;
  memory: WebAssembly.Memory;
  control: number;
  layout: ControlLayout;
}

/** Starts a thread that instantiates `module` on `memory` and calls `helperLoop(control)`; may throw. */
export type HelperThreadStarter = (init: HelperThreadInit) => void;

/**
 * Products of at least this many FLOPs (2·m·k·n, 20 MFLOP ≈ 215³) are split between the two threads.
 * Measured with `npm run bench` (it prints the two-thread speed-up at n³ for n = 64…512) on a quiet
 * machine (load < 1), three runs: 128³ (4.2 MFLOP) 0.75–0.78×, 192³ (14 MFLOP) 0.91–1.09×, 256³
 * (34 MFLOP) 1.29–1.5×, 512³ 1.5–1.9×: below ~20 MFLOP waking the helper and sharing the panels cost
 * what the second core saves. (At load 9–20 no core is free and two threads ran 0.4–0.9× at every size.)
 */
export const DEFAULT_THREAD_MIN_FLOPS = 20e6;

/** The control block's fields the host touches (byte offsets) and its size: exported by the wasm module, which defines them (assembly/threads.ts documents the layout). */
export interface ControlLayout {
  helperPanels: number;
  helperWork: number;
  helperWorkBytes: number;
  alive: number;
  helperBuf: number;
  helperBufBytes: number;
  packBuf: number;
  packBufBytes: number;
  /** each panel's state, one i32 per panel from here */
  states: number;
  bytes: number;
}

export function controlLayout(ex: GemmExports): ControlLayout {
  return {
    helperPanels: ex.CONTROL_HELPER_PANELS.value,
    helperWork: ex.CONTROL_HELPER_WORK.value,
    helperWorkBytes: ex.CONTROL_HELPER_WORK_BYTES.value,
    alive: ex.CONTROL_ALIVE.value,
    helperBuf: ex.CONTROL_HELPER_BUF.value,
    helperBufBytes: ex.CONTROL_HELPER_BUF_BYTES.value,
    packBuf: ex.CONTROL_PACK_BUF.value,
    packBufBytes: ex.CONTROL_PACK_BUF_BYTES.value,
    states: ex.CONTROL_STATES.value,
    bytes: ex.CONTROL_BYTES.value,
  };
}

/** The helper's private copy of one panel of C (a product whose panel is larger stays on one thread). */
const PANEL_BUFFER_BYTES = 4 << 20;
/**
 * The caller's copy of the operand a product's panels share (A for column panels, B for row panels),
 * packed once instead of by every panel: 1M floats holds a ResNet-18's largest (256×2304, 4608×128).
 */
const PACK_BUFFER_BYTES = 4 << 20;

/** A realm's helper thread: the block it serves and the memory it lives in. */
export interface HelperThread {
  control: number;
  memory: WebAssembly.Memory;
  layout: ControlLayout;
}

const align64 = (x: number): number => Math.ceil(x / 64) * 64;

/**
 * Lays out the control block and the helper's workspace from `base` (the memory must already hold
 * them: see helperBytes) and starts the thread. Returns the thread, or null when the starter failed
 * (the kernels then stay on one thread).
 */
export function startHelper(
  ex: GemmExports, shared: { module: WebAssembly.Module; memory: WebAssembly.Memory },
  control: number, start: HelperThreadStarter, minFlops: number,
): HelperThread | null {
  const layout = controlLayout(ex);
  const i32 = new Int32Array(shared.memory.buffer);
  i32.fill(0, control >> 2, (control + layout.bytes) >> 2);
  const work = control + layout.bytes;
  const workBytes = align64(helperWorkBytes(ex));
  i32[(control + layout.helperWork) >> 2] = work;
  i32[(control + layout.helperWorkBytes) >> 2] = workBytes;
  i32[(control + layout.helperBuf) >> 2] = work + workBytes;
  i32[(control + layout.helperBufBytes) >> 2] = PANEL_BUFFER_BYTES;
  i32[(control + layout.packBuf) >> 2] = work + workBytes + PANEL_BUFFER_BYTES;
  i32[(control + layout.packBufBytes) >> 2] = PACK_BUFFER_BYTES;
  try {
    start({ module: shared.module, memory: shared.memory, control, layout });
  } catch {
    return null;
  }
  ex.attachHelper(control, minFlops);
  return { control, memory: shared.memory, layout };
}

/** The helper's workspace: the most any product needs with the current blocking (f64). */
function helperWorkBytes(ex: GemmExports): number {
  const big = 1 << 20;
  return ex.gemmWorkBytes(big, big, big, 8);
}

/** Bytes from the control block's address to the end of the helper's workspace, its panel buffer and the caller's packed operand (64-aligned). */
export function helperBytes(ex: GemmExports): number {
  return controlLayout(ex).bytes + align64(helperWorkBytes(ex)) + PANEL_BUFFER_BYTES + PACK_BUFFER_BYTES;
}

/** Panels the helper thread has computed so far (tests and benchmarks). */
export function helperPanels(t: HelperThread): number {
  return Atomics.load(new Int32Array(t.memory.buffer), (t.control + t.layout.helperPanels) >> 2);
}

/** True once the helper thread runs its loop. */
export function helperAlive(t: HelperThread): boolean {
  return Atomics.load(new Int32Array(t.memory.buffer), (t.control + t.layout.alive) >> 2) === 1;
}
