import { readFileSync } from "node:fs";

// Resident memory of a process and everything it started (Linux /proc). RSS covers what a heap limit
// does not: typed arrays, wasm memory, buffers, native allocations, and the model's own children.

function readRssBytes(pid: number): number {
  try {
    const m = /VmRSS:\s+(\d+)\s+kB/.exec(readFileSync(`/proc/${pid}/status`, "latin1"));
    return m ? Number(m[1]) * 1024 : 0;
  } catch {
    return 0; // gone, or not Linux
  }
}

function childrenOf(pid: number): number[] {
  try {
    return readFileSync(`/proc/${pid}/task/${pid}/children`, "latin1").trim().split(/\s+/).filter(Boolean).map(Number);
  } catch {
    return [];
  }
}

/** RSS of `pid` plus its descendants, in bytes; 0 where /proc is not available. */
export function treeRssBytes(pid: number): number {
  let total = 0;
  const seen = new Set<number>();
  const stack = [pid];
  while (stack.length > 0 && seen.size < 4096) {
    const p = stack.pop()!;
    if (seen.has(p)) continue;
    seen.add(p);
    total += readRssBytes(p);
    stack.push(...childrenOf(p));
  }
  return total;
}

export const canWatchRss = (() => {
  try {
    readFileSync("/proc/self/status", "latin1");
    return true;
  } catch {
    return false;
  }
})();
