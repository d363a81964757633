import { afterEach, describe, expect, it } from "vitest";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PROGRESS_FILE, ProgressWriter, readProgress } from "../../src/runner/progressFile";

// The child notes the line of its last engine call in a file the host reads after the child ends
// (the hostile runs in hostile.test.ts pin the line named at a kill); here, the file's own rules.

const dirs: string[] = [];
function spool(): string {
  const dir = mkdtempSync(join(tmpdir(), "gradlens-progress-test-"));
  dirs.push(dir);
  return dir;
}
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

describe("the progress file", () => {
  it("holds the last line noted: a shorter record after a longer one covers it whole (non-ASCII paths too)", () => {
    const dir = spool();
    const writer = new ProgressWriter(dir);
    const long = { file: "models/très-long/nom de fichier #1.ts", line: 1234, column: 56 };
    const short = { file: "a.ts", line: 3, column: 1 };
    writer.note(long);
    expect(readProgress(dir)).toEqual(long);
    writer.note(short);
    expect(readProgress(dir)).toEqual(short);
    writer.note(long); // its bytes were encoded before: still the whole record
    expect(readProgress(dir)).toEqual(long);
    writer.close();
  });

  it("keeps the first site of a line: another column on the same line is not a change", () => {
    const dir = spool();
    const writer = new ProgressWriter(dir);
    const first = { file: "m.ts", line: 7, column: 3 };
    writer.note(first);
    writer.note({ file: "m.ts", line: 7, column: 20 });
    expect(writer.site).toBe(first);
    expect(readProgress(dir)).toEqual(first);
    writer.note({ file: "other.ts", line: 7, column: 20 }); // same line number, another file
    expect(readProgress(dir)).toEqual({ file: "other.ts", line: 7, column: 20 });
    writer.close();
  });

  it("reads as no line when nothing was noted or the file is not a site", () => {
    const dir = spool();
    expect(readProgress(dir)).toBeNull(); // no file
    new ProgressWriter(dir).close();
    expect(readFileSync(join(dir, PROGRESS_FILE), "utf8")).toBe("");
    expect(readProgress(dir)).toBeNull(); // empty
    writeFileSync(join(dir, PROGRESS_FILE), '{"file":"x.ts","line":"3","column":1}');
    expect(readProgress(dir)).toBeNull(); // a string line
  });

  it("a spool directory that is gone is no error: the run goes on without a line", () => {
    const writer = new ProgressWriter(join(spool(), "missing", "dir"));
    expect(() => writer.note({ file: "m.ts", line: 1, column: 1 })).not.toThrow();
    expect(writer.site).toEqual({ file: "m.ts", line: 1, column: 1 });
  });
});
