// Production build of the extension (run by `npm run package`, src/extension/tools/packageVsix.mjs):
//   dist/worker.js, media/dist/*      via esbuild.config.mjs (the runner's and the webview's entries)
//   dist/extension.js                 here, minified, with "esbuild" aliased to host/esbuildShim.ts
//   dist/esbuild-native/              with a vsce target (linux-x64, …): esbuild's native binary for it
//                                     (vendorEsbuildNative.mjs); the shim loads it
//   dist/esbuild-wasm/                without a target: esbuild-wasm, for the universal .vsix (vendorEsbuildWasm.mjs)
//   dist/types/gradlens/              emitEngineTypes.mjs (declarations for users' model files)
//   dist/ts-plugin/                   the TypeScript server plugin package (buildTsPlugin below); the
//                                     .vsix holds it as node_modules/gradlens-ts-plugin/, where tsserver looks
// The development build (`npm run build`) keeps the native esbuild package instead of the shim.
import { build } from "esbuild";
import { copyFile, readFile, rm, writeFile } from "node:fs/promises";
import { basename, dirname, join, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { emitEngineTypes } from "./emitEngineTypes.mjs";
import { vendorEsbuildNative } from "./vendorEsbuildNative.mjs";
import { vendorEsbuildWasm } from "./vendorEsbuildWasm.mjs";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "../../..");

async function engineExportNames() {
  const result = await build({
    entryPoints: [join(root, "src/engine/index.ts")],
    bundle: true, write: false, format: "esm", platform: "neutral", metafile: true, logLevel: "silent",
    outfile: join(root, "engine-exports.js"),
  });
  return Object.values(result.metafile.outputs).find((o) => o.entryPoint)?.exports ?? [];
}

/** dist/ts-plugin/{index.js,package.json}: the package "gradlens-ts-plugin" (contributes.typescriptServerPlugins). */
export async function buildTsPlugin(outDir = join(root, "dist", "ts-plugin")) {
  await build({
    entryPoints: [join(root, "src/extension/tsPlugin/index.ts")],
    outfile: join(outDir, "index.js"),
    bundle: true,
    platform: "node",
    format: "cjs",
    target: "node20",
    // tsserver calls module.exports itself.
    footer: { js: "module.exports = module.exports.default;" },
    logLevel: "warning",
  });
  const { version } = JSON.parse(await readFile(join(root, "package.json"), "utf8"));
  await writeFile(join(outDir, "package.json"), `${JSON.stringify({ name: "gradlens-ts-plugin", version, private: true, main: "index.js" }, null, 2)}\n`);
  return outDir;
}

/**
 * A bundle that runs in the extension host as dist/extension.js does: "esbuild" is the shim (which
 * loads the bundler from the bundle's folder), the engine's export names are baked in. Also used by
 * `npm run bench` for its stand-in host (test/bench/firstCheck.bench.ts).
 */
export async function buildHostBundle(entry, outfile, options = {}) {
  await build({
    entryPoints: [entry],
    outfile,
    bundle: true,
    platform: "node",
    format: "cjs",
    target: "node20",
    external: ["vscode"],
    // typescript: loaded at its first use, not with the bundle (host/typescriptShim.cjs)
    alias: { esbuild: join(root, "src/extension/host/esbuildShim.ts"), typescript: join(root, "src/extension/host/typescriptShim.cjs") },
    // web-tree-sitter's Node loader reads import.meta.url, which a CommonJS bundle leaves undefined
    define: { __GRADLENS_ENGINE_EXPORTS__: JSON.stringify(await engineExportNames()), "import.meta.url": "__glImportMetaUrl" },
    // __glLoadStart: when the host began to evaluate this bundle (activation logs how long the load took)
    banner: { js: 'var __glLoadStart = Date.now(); var __glImportMetaUrl = require("url").pathToFileURL(__filename).href;' },
    logLevel: "warning",
    ...options,
  });
}

/** `target`: a vsce target ("linux-x64") for a per-platform build with native esbuild; none: the universal build. */
export async function buildExtension({ target } = {}) {
  const { buildEntries } = await import(pathToFileURL(join(root, "esbuild.config.mjs")).href);
  await buildEntries(["worker", "webview"], { quiet: true });
  await buildHostBundle(join(root, "src/extension/extension.ts"), join(root, "dist/extension.js"), { minify: true, keepNames: true, legalComments: "none" });
  // the static scan of .py files loads these from dist/ (see ENTRIES.extension.copy)
  for (const file of ["node_modules/web-tree-sitter/tree-sitter.wasm", "node_modules/tree-sitter-python/tree-sitter-python.wasm"]) {
    await copyFile(join(root, file), join(root, "dist", basename(file)));
  }
  // one bundler per build, so a .vsix never carries the other (.vscodeignore admits both folders)
  await rm(join(root, "dist", target ? "esbuild-wasm" : "esbuild-native"), { recursive: true, force: true });
  if (target) await vendorEsbuildNative(target);
  else await vendorEsbuildWasm();
  await emitEngineTypes();
  await buildTsPlugin();
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const t0 = Date.now();
  const target = process.argv.find((a) => a.startsWith("--target="))?.slice("--target=".length);
  buildExtension({ target }).then(
    () => console.log(`extension${target ? ` for ${target}` : ""} built in ${((Date.now() - t0) / 1000).toFixed(1)} s`),
    (e) => {
      console.error(e instanceof Error ? e.message : e);
      process.exit(1);
    },
  );
}
