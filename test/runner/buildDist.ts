import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll } from "vitest";
import { buildEntries } from "../../esbuild.config.mjs";
import { stopSpare } from "../../src/runner/spare";

// Builds real bundles (the worker, the CLI) for a test file, inside dist/ so that the CLI finds
// node_modules (esbuild) the way an installed one does. Each test file gets its own directory.

export const repoRoot = fileURLToPath(new URL("../..", import.meta.url));

export async function buildDist(names: string[]): Promise<{ dir: string; cleanup: () => void }> {
  const dir = join(repoRoot, "dist", `test-${process.pid}-${names.join("-")}`);
  await buildEntries(names, { outdir: dir, quiet: true });
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

export interface BuiltWorker {
  /** the worker bundle built for this test file */
  readonly workerPath: string;
  /** a temporary directory for the test's model files */
  readonly dir: string;
  /** with `privateTmpdir`: the directory TMPDIR points at meanwhile (where runs put their spool directories) */
  readonly spoolRoot: string;
}

/**
 * The runner tests' setup, registered as this file's beforeAll/afterAll: the worker built, a
 * directory for model files, and with `privateTmpdir` a TMPDIR of the file's own, so the runner's
 * per-run directories can be counted (or found) without other test files' runs. Afterwards the
 * spare child stops and everything is removed.
 */
export function useBuiltWorker(label: string, options: { privateTmpdir?: boolean } = {}): BuiltWorker {
  const state = { workerPath: "", dir: "", spoolRoot: "" };
  let cleanup = () => {};
  const savedTmp = process.env.TMPDIR;
  beforeAll(async () => {
    const built = await buildDist(["worker"]);
    state.workerPath = join(built.dir, "worker.js");
    cleanup = built.cleanup;
    state.dir = mkdtempSync(join(tmpdir(), `gradlens-${label}-`));
    if (options.privateTmpdir) {
      state.spoolRoot = mkdtempSync(join(tmpdir(), "gradlens-spool-"));
      process.env.TMPDIR = state.spoolRoot;
    }
  }, 60_000);
  afterAll(() => {
    if (options.privateTmpdir) {
      if (savedTmp === undefined) delete process.env.TMPDIR;
      else process.env.TMPDIR = savedTmp;
      rmSync(state.spoolRoot, { recursive: true, force: true });
    }
    stopSpare();
    cleanup();
    rmSync(state.dir, { recursive: true, force: true });
  });
  return state;
}
