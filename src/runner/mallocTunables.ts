// The check's child allocates a tensor's memory with glibc's malloc (Node's ArrayBuffer allocator),
// and a training step's tensors are large and fresh: a ResNet-18 step faulted in ~100 K 4 KiB pages.
// `glibc.malloc.hugetlb=1` (glibc ≥ 2.35) has malloc ask for transparent huge pages (madvise), which
// Debian's default "madvise" mode grants: a quarter of the faults and ~10 % less user CPU time on the
// ResNet-18 and transformer checks (fewer TLB misses in the GEMMs and copies). Other C libraries and
// older glibc ignore the variable.

const HUGE_PAGES = "glibc.malloc.hugetlb=1";

/** GLIBC_TUNABLES for the child: the user's own tunables kept, huge pages added unless they set it. */
export function childGlibcTunables(current: string | undefined): string {
  if (current === undefined || current.trim() === "") return HUGE_PAGES;
  if (current.split(":").some((t) => t.startsWith("glibc.malloc.hugetlb="))) return current;
  return `${current}:${HUGE_PAGES}`;
}
