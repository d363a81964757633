import { rmSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { buildEntries } from "../../esbuild.config.mjs";

// Builds real bundles (the worker, the CLI) for a test file, inside dist/ so that the CLI finds
// node_modules (esbuild) the way an installed one does. Each test file gets its own directory.

export const repoRoot = fileURLToPath(new URL("../..", import.meta.url));

export async function buildDist(names: string[]): Promise<{ dir: string; cleanup: () => void }> {
  const dir = join(repoRoot, "dist", `test-${process.pid}-${names.join("-")}`);
  await buildEntries(names, { outdir: dir, quiet: true });
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}
