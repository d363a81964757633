// The check's child allocates a tensor's memory with glibc's malloc (Node's ArrayBuffer allocator),
// and a training step's tensors are large and fresh: a ResNet-18 step faulted in ~100 K 4 KiB pages.
// - `hugetlb=1` (glibc ≥ 2.35): malloc asks for transparent huge pages (madvise), which Debian's
//   default "madvise" mode grants: a quarter of the faults and ~10 % less user CPU time on the
//   ResNet-18 and transformer checks (fewer TLB misses in the GEMMs and copies);
// - `mmap_threshold` at its 32 MiB maximum and a high `trim_threshold`: a freed tensor's memory stays
//   in the heap for the next one instead of going back to the kernel and faulting in again (half the
//   remaining faults, a third less system time). The child lives for one check; its memory goes back
//   when it exits.
// Other C libraries and older glibc ignore the variable; a tunable the user set is kept as set.

const DEFAULTS: ReadonlyArray<readonly [string, string]> = [
  ["glibc.malloc.hugetlb", "1"],
  ["glibc.malloc.mmap_threshold", String(32 * 1024 * 1024)],
  ["glibc.malloc.trim_threshold", String(256 * 1024 * 1024)],
];

/** GLIBC_TUNABLES for the child: the user's own tunables, then ours for the keys they did not set. */
export function childGlibcTunables(current: string | undefined): string {
  const own = (current ?? "").split(":").filter((t) => t.trim() !== "");
  const set = new Set(own.map((t) => t.split("=")[0]));
  return [...own, ...DEFAULTS.filter(([key]) => !set.has(key)).map(([key, value]) => `${key}=${value}`)].join(":");
}
