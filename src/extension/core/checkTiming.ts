// Where a check's time goes, as one line in the output channel (Jupyter-style elapsed time):
// "checked cnn-classifier.ts in 640 ms (before the run 5 · bundle 45 · model run 420 (child started 3000 ms before) · …)".
// A clock the caller marks at each phase's end; the runner marks its own phases through
// RunOptions.onPhase. vscode-free, so the wording is unit-tested.

export type Now = () => number;

export class CheckClock {
  private readonly started: number;
  private last: number;
  private readonly phases: Array<{ name: string; ms: number; note?: string }> = [];

  constructor(private readonly now: Now = () => performance.now()) {
    this.started = now();
    this.last = this.started;
  }

  /** Ends the phase `name` now (it began at the previous mark); a note is shown beside it. */
  mark(name: string, note?: string): void {
    const t = this.now();
    this.phases.push({ name, ms: t - this.last, ...(note !== undefined ? { note } : {}) });
    this.last = t;
  }

  /** Milliseconds since the clock started. */
  elapsed(): number {
    return this.now() - this.started;
  }

  /** "checked a.ts in 640 ms (before the run 5 · bundle 45 · model run 420 (child started 3000 ms before) · analysis 60 · render 30)" */
  line(fileName: string): string {
    const parts = this.phases.map((p) => `${p.name} ${Math.round(p.ms)}${p.note !== undefined ? ` (${p.note})` : ""}`);
    return `checked ${fileName} in ${Math.round(this.elapsed())} ms (${parts.join(" · ")})`;
  }
}
