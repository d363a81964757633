import { format } from "node:util";
import type { RunError } from "../protocol/report";

// The user's console output, kept for the report instead of being printed (the CLI's --json output
// must stay clean). Bounded so a chatty loop cannot exhaust memory. The last Error passed to any
// console method is kept with its line: `catch (e) { console.error(e); process.exit(1) }` fails the
// run with that error, not with a bare exit code.

const MAX_LINES = 2000;
const MAX_CHARS = 200_000;
const METHODS = ["log", "info", "warn", "error", "debug", "trace"] as const;

export class ConsoleCapture {
  readonly lines: string[] = [];
  private chars = 0;
  private dropped = 0;
  private readonly saved = new Map<string, unknown>();
  lastError: RunError | null = null;

  /**
   * @param describe turns an Error passed to console into a RunError with its line
   * @param onKept called with each line kept, and once with null at the first line dropped (the
   *   worker streams them to the host, so lines printed after the last snapshot survive a kill)
   */
  constructor(
    private readonly describe?: (e: Error) => RunError,
    private readonly onKept?: (line: string | null) => void,
  ) {}

  install(target: Console = console): void {
    for (const m of METHODS) {
      this.saved.set(m, target[m]);
      target[m] = (...args: unknown[]) => {
        const error = args.find((a): a is Error => a instanceof Error);
        if (error !== undefined && this.describe !== undefined) this.lastError = this.describe(error);
        this.push(format(...args));
      };
    }
  }

  restore(target: Console = console): void {
    for (const [m, fn] of this.saved) (target as unknown as Record<string, unknown>)[m] = fn;
    this.saved.clear();
  }

  push(text: string): void {
    if (this.lines.length >= MAX_LINES || this.chars + text.length > MAX_CHARS) {
      if (this.dropped++ === 0) this.onKept?.(null);
      return;
    }
    this.chars += text.length;
    this.lines.push(text);
    this.onKept?.(text);
  }

  /** The lines, with a note when some were dropped. */
  result(): string[] {
    return this.dropped === 0 ? [...this.lines] : [...this.lines, `… ${this.dropped} more console lines not kept`];
  }

  /** The child dropped lines the host never saw. */
  markDropped(): void {
    this.dropped = Math.max(this.dropped, 1);
  }

  /** What the host saw streamed from a child that died: it cannot know how many lines were dropped. */
  streamed(): string[] {
    return this.dropped === 0 ? [...this.lines] : [...this.lines, "… more console lines not kept"];
  }
}
