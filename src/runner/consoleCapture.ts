import { format } from "node:util";

// The user's console output, kept for the report instead of being printed (the CLI's --json output
// must stay clean). Bounded so a chatty loop cannot exhaust memory.

const MAX_LINES = 2000;
const MAX_CHARS = 200_000;
const METHODS = ["log", "info", "warn", "error", "debug", "trace"] as const;

export class ConsoleCapture {
  readonly lines: string[] = [];
  private chars = 0;
  private dropped = 0;
  private readonly saved = new Map<string, unknown>();

  install(target: Console = console): void {
    for (const m of METHODS) {
      this.saved.set(m, target[m]);
      target[m] = (...args: unknown[]) => this.push(format(...args));
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
