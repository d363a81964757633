// Stands in for the "esbuild" package inside the packaged extension (the production build aliases
// "esbuild" to this file, see src/extension/tools/buildExtension.mjs). It loads the esbuild-wasm copy
// shipped in dist/esbuild-wasm/ (vendorEsbuildWasm.mjs) on first use, so one universal .vsix works on
// every platform. Loaded lazily: activation never pays for it; warmUp() starts the service early.
import { existsSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";
import type * as Esbuild from "esbuild";

let loaded: typeof Esbuild | undefined;

/** dist/ when bundled into dist/extension.js. */
function distDir(): string {
  return typeof __dirname === "string" ? __dirname : process.cwd();
}

const mainPath = () => join(distDir(), "esbuild-wasm", "lib", "main.js");

export function esbuildWasm(): typeof Esbuild {
  if (!loaded) loaded = createRequire(join(distDir(), "extension.js"))(mainPath()) as typeof Esbuild;
  return loaded;
}

export const build: typeof Esbuild.build = ((options: Esbuild.BuildOptions) => esbuildWasm().build(options)) as typeof Esbuild.build;

export const version = "wasm";

let warming: Promise<void> | undefined;

/** Starts the WebAssembly service (compiling esbuild.wasm takes seconds) before the first check needs it. */
export function warmUp(): Promise<void> {
  if (!warming) {
    // A tiny transform starts the service and waits until esbuild.wasm is compiled and answering.
    // A failure here resurfaces, with its message, at the first build.
    warming = existsSync(mainPath()) && !loaded ? esbuildWasm().transform("").then(() => undefined, () => undefined) : Promise.resolve();
  }
  return warming;
}

export function stop(): Promise<void> | void {
  return loaded?.stop();
}
