import { accessSync, constants, statSync, type Stats } from "node:fs";
import { dirname, resolve } from "node:path";

// Checks the paths a check needs before anything runs, so a typo reads "no such file: x.ts" (exit 3)
// rather than a model failure at x.ts:1:1, and a finished check never fails to write its output.

function statOrNull(path: string): Stats | null {
  try {
    return statSync(path);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === "ENOENT" || (e as NodeJS.ErrnoException).code === "ENOTDIR") return null;
    throw e;
  }
}

function reason(e: unknown, path: string): string {
  const code = (e as NodeJS.ErrnoException).code;
  return code === "EACCES" || code === "EPERM" ? `cannot read ${path}: permission denied` : `cannot read ${path}: ${(e as Error).message}`;
}

/** A one-line reason the check cannot start, or null when the file and the --out path are usable. */
export function preflight(file: string, out: string | null, cwd: string): string | null {
  const absFile = resolve(cwd, file);
  let model: Stats | null;
  try {
    model = statOrNull(absFile);
    if (model === null) return `no such file: ${file}`;
    if (model.isDirectory()) return `${file} is a directory: gradlens check takes a model file`;
    if (!model.isFile()) return `not a regular file: ${file}`;
    accessSync(absFile, constants.R_OK);
  } catch (e) {
    return reason(e, file);
  }
  if (out === null) return null;
  const absOut = resolve(cwd, out);
  try {
    const folder = statOrNull(dirname(absOut));
    if (folder === null) return `no such folder for --out: ${dirname(out)}`;
    if (!folder.isDirectory()) return `not a folder, for --out: ${dirname(out)}`;
    const target = statOrNull(absOut);
    if (target?.isDirectory()) return `--out ${out} is a directory: name a file to write`;
    if (target !== null && target.dev === model.dev && target.ino === model.ino) {
      return `--out ${out} is the file being checked: write the output to another file`;
    }
  } catch (e) {
    return reason(e, out);
  }
  return null;
}
