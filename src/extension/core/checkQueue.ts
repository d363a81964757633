// One running check per file: starting a second check of the same file aborts the first (its worker
// is terminated by the runner when the signal fires). Checks of different files run side by side.

export type CheckOutcome<T> =
  | { status: "done"; value: T }
  | { status: "failed"; error: unknown }
  /** aborted by cancel() / cancelAll() (the user pressed Cancel) */
  | { status: "cancelled" }
  /** aborted because a newer check of the same file started */
  | { status: "superseded" };

interface Running {
  controller: AbortController;
  reason: "cancelled" | "superseded" | null;
}

export class CheckQueue<T> {
  private running = new Map<string, Running>();

  isRunning(key: string): boolean {
    return this.running.has(key);
  }

  async run(key: string, task: (signal: AbortSignal) => Promise<T>): Promise<CheckOutcome<T>> {
    const previous = this.running.get(key);
    if (previous) {
      previous.reason = "superseded";
      previous.controller.abort();
    }
    const mine: Running = { controller: new AbortController(), reason: null };
    this.running.set(key, mine);
    try {
      const value = await task(mine.controller.signal);
      if (mine.reason) return { status: mine.reason };
      return { status: "done", value };
    } catch (error) {
      if (mine.reason) return { status: mine.reason };
      return { status: "failed", error };
    } finally {
      if (this.running.get(key) === mine) this.running.delete(key);
    }
  }

  cancel(key: string): void {
    const r = this.running.get(key);
    if (!r) return;
    r.reason = "cancelled";
    r.controller.abort();
  }

  cancelAll(): void {
    for (const key of [...this.running.keys()]) this.cancel(key);
  }
}
