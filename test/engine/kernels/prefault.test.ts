// kernelMemoryPrefaulter (src/engine/kernels/prefault.ts): a waiting check child touches the kernels'
// wasm memory in advance. The oracle for "touched" is the kernel's own count of minor page faults
// (process.resourceUsage): writing the prefaulted memory afterwards must fault (almost) no page.
import { expect, it } from "vitest";
import { kernelMemoryPrefaulter } from "../../../src/engine/kernels/prefault";
import { setKernelBackend, wasmScratch } from "../../../src/engine/kernels/matmul";
import { kernelBackendFixture } from "./util";

kernelBackendFixture();

const MB = 1 << 20;

it("grows the kernels' memory to the size asked, a chunk per call, and changes no value", () => {
  const s0 = wasmScratch(0)!;
  const total = Math.max(s0.f32.buffer.byteLength, s0.base) + 6 * MB;
  // a pattern in the scratch area a kernel could have left
  const before = wasmScratch(64 * 1024)!;
  const at = before.base >> 2;
  for (let i = 0; i < 16 * 1024; i++) before.f32[at + i] = i * 0.5 - 3;

  const touch = kernelMemoryPrefaulter(total, 2 * MB);
  const memory = wasmScratch(0)!.f32.buffer;
  expect(memory.byteLength).toBeGreaterThanOrEqual(total);
  let calls = 1;
  while (touch()) calls++;
  // every 2 MB chunk of the memory, one call each
  expect(calls).toBe(Math.ceil(memory.byteLength / (2 * MB)));
  expect(touch()).toBe(false);

  const after = wasmScratch(0)!;
  for (let i = 0; i < 16 * 1024; i++) expect(after.f32[at + i]).toBe(i * 0.5 - 3);
});

it("leaves no page of the memory to fault in when a kernel writes it", () => {
  const s0 = wasmScratch(0)!;
  const total = s0.f32.buffer.byteLength + 8 * MB; // 2,048 pages no one has touched yet
  const touch = kernelMemoryPrefaulter(total);
  while (touch());
  const i32 = new Int32Array(wasmScratch(0)!.f32.buffer);
  const pages = i32.length / 1024;
  const faultsBefore = process.resourceUsage().minorPageFault;
  for (let i = s0.base >> 2; i < i32.length; i += 1024) i32[i] = 0;
  const faults = process.resourceUsage().minorPageFault - faultsBefore;
  expect(pages).toBeGreaterThan(2048);
  expect(faults).toBeLessThan(64);
});

it("does nothing with the JS kernels", () => {
  setKernelBackend("js");
  expect(kernelMemoryPrefaulter(64 * MB)()).toBe(false);
});
