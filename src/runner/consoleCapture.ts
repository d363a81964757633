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

  constructor(private readonly describe?: (e: Error) => RunError) {}

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
      this.dropped++;
      return;
    }
    this.chars += text.length;
    this.lines.push(text);
  }

  /** The lines, with a note when some were dropped. */
  result(): string[] {
    return this.dropped === 0 ? [...this.lines] : [...this.lines, `… ${this.dropped} more console lines not kept`];
  }
}
