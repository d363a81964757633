import { readdirSync, readFileSync } from "node:fs";

// A process and everything it started, read from Linux /proc: its resident size (what a heap limit
// does not cover: typed arrays, wasm memory, buffers, native allocations, the model's own children),
// and its descendants with their start times, so that a stop can kill the ones that left its process
// group (`setsid`, `spawn(..., { detached: true })`) without hitting a reused pid. Elsewhere: nothing.

const MAX_PROCESSES = 4096;

/** `/proc` exists (Linux): the watchdog and the descendant sampling can run. */
export const hasProc = (() => {
  try {
    readFileSync("/proc/self/stat", "latin1");
    return true;
  } catch {
    return false;
  }
})();

/** Children of every thread of `pid` (a thread other than the main one may have spawned some). */
function childrenOf(pid: number): number[] {
  let tasks: string[];
  try {
    tasks = readdirSync(`/proc/${pid}/task`);
  } catch {
    return [];
  }
  const out: number[] = [];
  for (const tid of tasks) {
    try {
      for (const c of readFileSync(`/proc/${pid}/task/${tid}/children`, "latin1").trim().split(/\s+/)) if (c !== "") out.push(Number(c));
    } catch {
      // the thread ended
    }
  }
  return out;
}

/** `pid` and its descendants, parents first. */
export function processTree(pid: number): number[] {
  const seen = new Set<number>();
  const stack = [pid];
  while (stack.length > 0 && seen.size < MAX_PROCESSES) {
    const p = stack.pop()!;
    if (seen.has(p)) continue;
    seen.add(p);
    stack.push(...childrenOf(p));
  }
  return [...seen];
}

/** The fields after the command name in /proc/pid/stat (the name may contain spaces and parens). */
function statFields(pid: number): string[] | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "latin1");
    return stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  } catch {
    return null;
  }
}

/** The process's start time (clock ticks since boot): with the pid, it names one process; null when gone. */
export function startTimeOf(pid: number): string | null {
  const f = statFields(pid);
  // field 3 is the state (a zombie is already dead); field 22 the start time
  return f === null || f[0] === "Z" ? null : (f[19] ?? null);
}

/** The process group `pid` belongs to, or null when gone. */
export function processGroupOf(pid: number): number | null {
  const f = statFields(pid);
  return f === null ? null : Number(f[2]);
}

export function rssBytesOf(pid: number): number {
  try {
    const m = /VmRSS:\s+(\d+)\s+kB/.exec(readFileSync(`/proc/${pid}/status`, "latin1"));
    return m ? Number(m[1]) * 1024 : 0;
  } catch {
    return 0; // gone
  }
}
