import { closeSync, openSync, readFileSync, writeSync } from "node:fs";
import { join } from "node:path";
import type { Site } from "../trace/schema";

// The line of the last engine call, which the host names when the child ends without its trace (a
// kill at the time or memory limit, a crash, a SIGKILL the file sends itself). The child overwrites
// one small file in its spool directory whenever that line changes, synchronously — a write into the
// page cache outlives the process — and the host reads it once, after the exit. A message on the
// channel per change cost the child ~9 µs (JSON, a pipe write) and woke the host, several times per
// training step; this is one positioned write of bytes encoded once per site (~3 µs), nothing in the host.

export const PROGRESS_FILE = "progress.json";

export class ProgressWriter {
  private readonly fd: number | null;
  /** sites are interned by SiteCapture: a site's bytes are encoded once (padded to `width` then) */
  private readonly encoded = new WeakMap<Site, Buffer>();
  /** the longest record written: each later one is padded to it, so it covers the previous whole */
  private width = 0;
  private current: Site | null = null;

  constructor(spoolDir: string) {
    let fd: number | null = null;
    try {
      fd = openSync(join(spoolDir, PROGRESS_FILE), "w");
    } catch {
      // no file: the host falls back to the last snapshot's line
    }
    this.fd = fd;
  }

  /** the site last noted (the first one on its line) */
  get site(): Site | null {
    return this.current;
  }

  /** `site` becomes the current line when its line or file differs from the current one's. */
  note(site: Site): void {
    const current = this.current;
    if (current !== null && site.line === current.line && site.file === current.file) return;
    this.current = site;
    if (this.fd === null) return;
    let bytes = this.encoded.get(site);
    if (bytes === undefined || bytes.length < this.width) {
      const text = Buffer.from(JSON.stringify({ file: site.file, line: site.line, column: site.column }), "utf8");
      this.width = Math.max(this.width, text.length);
      bytes = Buffer.alloc(this.width, " "); // JSON.parse takes the trailing spaces
      text.copy(bytes);
      this.encoded.set(site, bytes);
    }
    try {
      writeSync(this.fd, bytes, 0, bytes.length, 0);
    } catch {
      // a full disk: the host falls back to the last snapshot's line
    }
  }

  close(): void {
    if (this.fd === null) return;
    try {
      closeSync(this.fd);
    } catch {
      // already closed
    }
  }
}

/** The line the child last noted in `spoolDir`, or null (none noted, or not a site). */
export function readProgress(spoolDir: string): Site | null {
  let value: unknown;
  try {
    value = JSON.parse(readFileSync(join(spoolDir, PROGRESS_FILE), "utf8"));
  } catch {
    return null;
  }
  return isSite(value) ? value : null;
}

/** SiteSchema's check, by hand (the file is the child's: anything may be in it). */
function isSite(v: unknown): v is Site {
  const s = v as Partial<Site> | null;
  return typeof s === "object" && s !== null && !Array.isArray(s) && typeof s.file === "string" && Number.isInteger(s.line) && Number.isInteger(s.column);
}
