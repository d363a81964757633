// The check's child allocates a tensor's memory with glibc's malloc (Node's ArrayBuffer allocator),
// and a training step's tensors are large and fresh: a ResNet-18 step faulted in ~100 K 4 KiB pages.
// - `hugetlb=1` (glibc ≥ 2.35): malloc asks for transparent huge pages (madvise), which Debian's
//   default "madvise" mode grants: a quarter of the faults and ~10 % less user CPU time on the
//   ResNet-18 and transformer checks (fewer TLB misses in the GEMMs and copies);
// - `mmap_threshold` at its 32 MiB maximum and a high `trim_threshold`: a freed tensor's memory stays
//   in the heap for the next one instead of going back to the kernel and faulting in again (half the
//   remaining faults, a third less system time). The child lives for one check; its memory goes back
//   when it exits. 512 MiB: above the most a waiting child faults in for its check and then frees
//   (heapHint.ts, 384 MiB) with room for what the heap already holds free — at a free that leaves
//   more than trim_threshold at the heap's top, glibc gives all of it back to the kernel.
// - `top_pad` 64 MiB: each time the heap grows, it grows 64 MiB more than asked (address space; pages
//   are touched only when used). Node's binary sits low, and V8 reserves its 512 MiB code range just
//   above it — at the heap's 2 MiB-aligned end, when it is still small: in ~4 of 6 children the
//   heap could not grow past ~4 MiB and glibc took every extension with its own mmap of the size
//   asked (2 MiB + 128 KiB for a 2 MiB tensor, two huge pages faulted in for it: twice the faults
//   and resident memory, and freed blocks that cannot merge). The first 64 MiB puts the heap's end
//   out of V8's way (6 of 6 children then had one heap), and a heap that is blocked anyway gets
//   64 MiB mmaps, filled block after block.
// Other C libraries and older glibc ignore the variable; a tunable the user set is kept as set.

const DEFAULTS: ReadonlyArray<readonly [string, string]> = [
  ["glibc.malloc.hugetlb", "1"],
  ["glibc.malloc.mmap_threshold", String(32 * 1024 * 1024)],
  ["glibc.malloc.trim_threshold", String(512 * 1024 * 1024)],
  ["glibc.malloc.top_pad", String(64 * 1024 * 1024)],
];

/** GLIBC_TUNABLES for the child: the user's own tunables, then ours for the keys they did not set. */
export function childGlibcTunables(current: string | undefined): string {
  const own = (current ?? "").split(":").filter((t) => t.trim() !== "");
  const set = new Set(own.map((t) => t.split("=")[0]));
  return [...own, ...DEFAULTS.filter(([key]) => !set.has(key)).map(([key, value]) => `${key}=${value}`)].join(":");
}
