// Builds the webview bundle: media/dist/graph.js (iife, browser) plus the two ELK files it loads
// next to itself: elk-worker.js (Web Worker, started from a blob: URL) and elk.bundled.js (the
// main-thread fallback). Usage: `node media/build.mjs [outdir] [--minify]`, or import buildMedia().
import { build } from "esbuild";
import { copyFile, mkdir } from "node:fs/promises";
import { createRequire } from "node:module";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const require = createRequire(import.meta.url);

export async function buildMedia({ outdir = join(here, "dist"), minify = false, sourcemap = false } = {}) {
  await mkdir(outdir, { recursive: true });
  await build({
    entryPoints: [join(here, "src/graph.ts")],
    outfile: join(outdir, "graph.js"),
    bundle: true,
    format: "iife",
    platform: "browser",
    target: ["chrome114"],
    minify,
    sourcemap,
    logLevel: "warning",
  });
  const elkDir = dirname(require.resolve("elkjs/lib/elk-api.js"));
  await copyFile(join(elkDir, "elk-worker.min.js"), join(outdir, "elk-worker.js"));
  await copyFile(join(elkDir, "elk.bundled.js"), join(outdir, "elk.bundled.js"));
  return outdir;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const args = process.argv.slice(2);
  const outdir = args.find((a) => !a.startsWith("--"));
  buildMedia({ outdir: outdir ? resolve(outdir) : undefined, minify: args.includes("--minify") }).then(
    (d) => console.log(`media built into ${d}`),
    (e) => {
      console.error(e);
      process.exit(1);
    },
  );
}
