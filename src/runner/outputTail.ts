// The last bytes a child wrote to stdout/stderr: a chatty or hostile program can write gigabytes,
// the host keeps a bounded tail and counts the rest.

export class OutputTail {
  private chunks: string[] = [];
  private size = 0;
  private droppedBytes = 0;

  constructor(private readonly maxChars = 64 * 1024) {}

  push(text: string): void {
    this.chunks.push(text);
    this.size += text.length;
    while (this.size > this.maxChars && this.chunks.length > 0) {
      const first = this.chunks[0]!;
      const excess = this.size - this.maxChars;
      if (first.length <= excess) {
        this.chunks.shift();
        this.size -= first.length;
        this.droppedBytes += first.length;
      } else {
        this.chunks[0] = first.slice(excess);
        this.size -= excess;
        this.droppedBytes += excess;
      }
    }
  }

  /** The kept text (without a partial first line when some was dropped). */
  text(): string {
    const all = this.chunks.join("");
    if (this.droppedBytes === 0) return all;
    const nl = all.indexOf("\n");
    return nl >= 0 ? all.slice(nl + 1) : all;
  }

  /** Kept lines, preceded by a note of how much was dropped. */
  lines(): string[] {
    const lines = this.text().split("\n").filter((l) => l !== "");
    return this.droppedBytes === 0 ? lines : [`… ${this.droppedBytes} earlier characters of output not kept`, ...lines];
  }

  /** The last non-empty line, e.g. V8's "FATAL ERROR: ..." */
  lastLine(match?: RegExp): string | null {
    const lines = this.text().split("\n").map((l) => l.trim()).filter((l) => l !== "");
    for (let i = lines.length - 1; i >= 0; i--) if (match === undefined || match.test(lines[i]!)) return lines[i]!;
    return null;
  }
}
