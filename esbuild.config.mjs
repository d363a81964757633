// Builds GradLens. Usage: `node esbuild.config.mjs [--quiet] [entry names...]`
// Entries: cli (dist/cli.js + dist/worker.js), worker (dist/worker.js), extension (dist/extension.js,
// needs the worker too), webview (media/dist/graph.js), bench (dist/bench.js + dist/worker.js),
// engine (dist/engine/: what `require`/`import "gradlens"` load), types (dist/types/gradlens/*.d.ts),
// package (everything the npm package ships: cli, worker, engine, types).
// No names: every entry whose source exists. Also importable: `buildEntries(names, { outdir })`.
import { build } from "esbuild";
import { copyFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { basename, dirname, join, relative, resolve, sep } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const root = dirname(fileURLToPath(import.meta.url));

/** entry name → what it builds; `needs` are built with it (the CLI cannot run without its worker). */
export const ENTRIES = {
  cli: { source: "src/cli/main.ts", out: "cli", kind: "node", banner: "#!/usr/bin/env node", needs: ["worker"] },
  // the PyTorch backend's tracer runs in the user's Python: shipped as a file next to the worker
  worker: { source: "src/runner/worker.ts", out: "worker", kind: "node", copy: ["src/runner/python/gradlens_tracer.py"] },
  // the static scan of .py files loads the Python grammar's wasm (and web-tree-sitter's) from dist/
  extension: {
    source: "src/extension/extension.ts", out: "extension", kind: "node", external: ["vscode"], needs: ["worker"],
    copy: ["node_modules/web-tree-sitter/tree-sitter.wasm", "node_modules/tree-sitter-python/tree-sitter-python.wasm"],
    // web-tree-sitter's Node loader reads import.meta.url, which a CommonJS bundle leaves undefined
    importMetaUrl: true,
  },
  // tfjs is bundled in; Chromium's driver is not (it finds its own files at run time)
  bench: { source: "test/bench/index.ts", out: "bench", kind: "node", needs: ["worker"], external: ["playwright-core"], sourcePaths: true },
  webview: { source: "media/src/graph.ts", kind: "webview" },
  engine: { source: "src/engine/index.ts", kind: "engine" },
  types: { source: "src/engine/index.ts", kind: "types" },
  package: { source: "src/cli/main.ts", kind: "group", needs: ["cli", "engine", "types"] },
};

/** The engine's runtime export names, baked into the CLI and extension (the names `import ... from "gradlens"` may use). */
async function engineExportNames() {
  const index = join(root, "src/engine/index.ts");
  // named re-exports are visible without bundling (13 ms instead of ~100); `export * from` is not
  const bundle = /export\s+\*\s+from/.test(readFileSync(index, "utf8"));
  const result = await build({
    entryPoints: [index],
    bundle,
    write: false,
    format: "esm",
    platform: "neutral",
    metafile: true,
    logLevel: "silent",
    outfile: join(root, "engine-exports.js"),
  });
  const output = Object.values(result.metafile.outputs).find((o) => o.entryPoint);
  return output?.exports ?? [];
}

function expand(names) {
  const out = new Set();
  const visit = (n) => {
    if (out.has(n)) return;
    const entry = ENTRIES[n];
    if (!entry) throw new Error(`unknown entry "${n}" (known: ${Object.keys(ENTRIES).join(", ")})`);
    out.add(n);
    for (const dep of entry.needs ?? []) visit(dep);
  };
  names.forEach(visit);
  return [...out].filter((n) => existsSync(join(root, ENTRIES[n].source)));
}

export async function buildEntries(names = Object.keys(ENTRIES), { outdir = join(root, "dist"), quiet = false } = {}) {
  const selected = expand(names);
  const node = selected.filter((n) => ENTRIES[n].kind === "node");
  const builds = [];
  if (node.length > 0) {
    const define = { __GRADLENS_ENGINE_EXPORTS__: JSON.stringify(await engineExportNames()) };
    // entries with the same options share one esbuild call (a cold `npm run check` builds cli + worker)
    const groups = new Map();
    for (const n of node) {
      const e = ENTRIES[n];
      const key = JSON.stringify([e.banner ?? "", e.external ?? [], e.sourcePaths ?? false, e.importMetaUrl ?? false]);
      if (!groups.has(key)) groups.set(key, { banner: e.banner, external: e.external ?? [], sourcePaths: e.sourcePaths, importMetaUrl: e.importMetaUrl, entryPoints: {} });
      groups.get(key).entryPoints[e.out] = join(root, e.source);
    }
    for (const g of groups.values()) {
      builds.push(
        build({
          entryPoints: g.entryPoints,
          outdir,
          bundle: true,
          platform: "node",
          format: "cjs",
          target: "node20",
          // esbuild stays a separate package: its native binary cannot be bundled
          external: ["esbuild", ...g.external],
          define: g.importMetaUrl ? { ...define, "import.meta.url": "__glImportMetaUrl" } : define,
          banner: bannerOf(g),
          plugins: g.sourcePaths ? [sourcePathsPlugin()] : [],
          logLevel: quiet ? "error" : "info",
        }),
      );
    }
  }
  for (const n of selected) {
    for (const file of ENTRIES[n].copy ?? []) {
      mkdirSync(outdir, { recursive: true });
      copyFileSync(join(root, file), join(outdir, basename(file)));
    }
  }
  if (selected.includes("webview")) builds.push(buildWebview(quiet));
  if (selected.includes("engine")) builds.push(buildEngine(join(outdir, "engine")));
  if (selected.includes("types")) {
    const { emitEngineTypes } = await import(pathToFileURL(join(root, "src/extension/tools/emitEngineTypes.mjs")).href);
    builds.push(emitEngineTypes(join(outdir, "types/gradlens")));
  }
  await Promise.all(builds);
  return selected;
}

/** The group's banner; with importMetaUrl, also the bundle's own file URL for `import.meta.url`. */
function bannerOf(g) {
  const lines = [g.banner, g.importMetaUrl ? 'var __glImportMetaUrl = require("url").pathToFileURL(__filename).href;' : undefined].filter(Boolean);
  return lines.length > 0 ? { js: lines.join("\n") } : undefined;
}

/**
 * For the bench bundle, which runs from the repository root: test and media helpers locate files
 * next to their sources (`__dirname`, `import.meta.url`), so those name the source's own place,
 * resolved against the working directory, instead of dist/.
 */
function sourcePathsPlugin() {
  return {
    name: "source-paths",
    setup(b) {
      b.onLoad({ filter: /[\\/](test|media)[\\/].*\.(ts|mjs)$/ }, (args) => {
        const rel = relative(root, args.path).split(sep).join("/");
        if (rel.startsWith("..") || rel.includes("node_modules")) return undefined;
        const text = readFileSync(args.path, "utf8");
        if (!/__dirname|import\.meta\.url/.test(text)) return undefined;
        // imported under names of their own: a module may shadow `require` (media/build.mjs does)
        const header = 'import { resolve as __glResolve } from "node:path"; import { pathToFileURL as __glFileUrl } from "node:url";\n';
        const dir = `__glResolve(${JSON.stringify(dirname(rel))})`;
        const url = `__glFileUrl(__glResolve(${JSON.stringify(rel)})).href`;
        return {
          contents: header + text.replace(/\bimport\.meta\.url\b/g, url).replace(/\b__dirname\b/g, dir),
          loader: args.path.endsWith(".ts") ? "ts" : "js",
          resolveDir: dirname(args.path),
        };
      });
    },
  };
}

/**
 * The engine as the npm package's entry: one CommonJS bundle (no dependencies, no Node-only APIs) and
 * an ES module that re-exports it by name, so `import` and `require` share one engine — its grad mode
 * and observer are global state that two copies would split.
 */
async function buildEngine(dir) {
  await build({
    entryPoints: [join(root, ENTRIES.engine.source)],
    outfile: join(dir, "index.cjs"),
    bundle: true,
    platform: "neutral",
    format: "cjs",
    target: "es2022",
    logLevel: "error",
  });
  const names = (await engineExportNames()).filter((n) => n !== "default");
  if (names.length === 0) throw new Error("engine bundle exports nothing");
  mkdirSync(dir, { recursive: true });
  // Aliased bindings, so export names that are reserved words (`var`) work too.
  const bindings = names.map((n, i) => `const e${i} = engine[${JSON.stringify(n)}];`).join("\n");
  const exportList = names.map((n, i) => `e${i} as ${n}`).join(", ");
  writeFileSync(join(dir, "index.mjs"), `import engine from "./index.cjs";\n${bindings}\nexport { ${exportList} };\nexport default engine;\n`);
}

async function buildWebview(quiet) {
  const mediaBuild = join(root, "media/build.mjs");
  if (existsSync(mediaBuild)) {
    const { buildMedia } = await import(pathToFileURL(mediaBuild).href);
    return buildMedia({ outdir: join(root, "media/dist") });
  }
  return build({
    entryPoints: [join(root, ENTRIES.webview.source)],
    outfile: join(root, "media/dist/graph.js"),
    bundle: true,
    format: "iife",
    platform: "browser",
    logLevel: quiet ? "error" : "info",
  });
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const args = process.argv.slice(2);
  const quiet = args.includes("--quiet");
  const names = args.filter((a) => !a.startsWith("--"));
  buildEntries(names.length > 0 ? names : Object.keys(ENTRIES), { quiet }).then(
    (built) => {
      if (!quiet) console.log(`built: ${built.join(", ")}`);
    },
    (e) => {
      console.error(e instanceof Error ? e.message : e);
      process.exit(1);
    },
  );
}
