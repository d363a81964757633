import { processGroupOf, processTree, rssBytesOf, startTimeOf } from "./processTree";

// What a check's child started, remembered while it runs: killing the child's process group does
// not reach a process that moved to its own group or session (`setsid`, `spawn(..., { detached:
// true })`), and once the child is gone such a process is init's, no longer findable as ours. So
// the watchdog samples the tree every few dozen ms, and a stop kills every sampled pid whose start
// time still matches (a pid reused since is another process, left alone). A process started and
// detached from its parent between two samples (a double fork within ~25 ms) is not seen.

const MAX_REMEMBERED = 1024;

export class Descendants {
  private readonly known = new Map<number, string>();

  constructor(private readonly root: number) {}

  /** Records the current descendants; returns the tree's resident size in bytes. */
  sample(): number {
    let rss = 0;
    for (const pid of processTree(this.root)) {
      rss += rssBytesOf(pid);
      if (pid === this.root || this.known.has(pid)) continue;
      const start = startTimeOf(pid);
      if (start !== null) this.known.set(pid, start);
    }
    if (this.known.size > MAX_REMEMBERED) this.forgetDead();
    return rss;
  }

  /** SIGKILLs every remembered descendant still alive (and the group it leads, if it made one). */
  killAll(): void {
    for (const [pid, start] of this.known) {
      if (startTimeOf(pid) !== start) continue;
      const target = processGroupOf(pid) === pid ? -pid : pid;
      try {
        process.kill(target, "SIGKILL");
      } catch {
        // gone meanwhile
      }
    }
    this.known.clear();
  }

  private forgetDead(): void {
    for (const [pid, start] of this.known) if (startTimeOf(pid) !== start) this.known.delete(pid);
    // a tree that keeps this many live processes: keep the newest
    for (const pid of this.known.keys()) {
      if (this.known.size <= MAX_REMEMBERED) break;
      this.known.delete(pid);
    }
  }
}
