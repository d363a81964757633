// Stands in for the "esbuild" package inside the packaged extension (the production build aliases
// "esbuild" to this file, see src/extension/tools/buildExtension.mjs). It loads the bundler that the
// .vsix ships in dist/: a per-platform .vsix has esbuild's native binary (dist/esbuild-native,
// vendorEsbuildNative.mjs; starts in ~0.1 s), the universal one esbuild-wasm (dist/esbuild-wasm,
// vendorEsbuildWasm.mjs; compiling its WebAssembly takes seconds). Loaded lazily: activation never pays
// for it; warmUp() starts the service early.
import { accessSync, chmodSync, constants, existsSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";
import type * as Esbuild from "esbuild";

export type EsbuildKind = "native" | "wasm";

let loaded: typeof Esbuild | undefined;

/** dist/ when bundled into dist/extension.js. */
function distDir(): string {
  return typeof __dirname === "string" ? __dirname : process.cwd();
}

const mainPath = (dist: string, kind: EsbuildKind) => join(dist, `esbuild-${kind}`, "lib", "main.js");

/** Which bundler `dist` ships: the native one when present, else esbuild-wasm; null when neither. */
export function esbuildKind(dist = distDir()): EsbuildKind | null {
  if (existsSync(mainPath(dist, "native"))) return "native";
  return existsSync(mainPath(dist, "wasm")) ? "wasm" : null;
}

/** A binary unpacked without its executable bit (an archive tool that drops modes) is given it back. */
function ensureExecutable(dist: string): void {
  if (process.platform === "win32") return;
  const binary = join(dist, "esbuild-native", "bin", "esbuild");
  try {
    accessSync(binary, constants.X_OK);
  } catch {
    chmodSync(binary, 0o755);
  }
}

/** esbuild's API from `dist` (the extension's own dist/ by default). */
export function loadEsbuild(dist = distDir()): typeof Esbuild {
  const kind = esbuildKind(dist) ?? "wasm"; // neither: the require below names the missing file
  if (kind === "native") ensureExecutable(dist);
  return createRequire(join(dist, "extension.js"))(mainPath(dist, kind)) as typeof Esbuild;
}

function esbuild(): typeof Esbuild {
  loaded ??= loadEsbuild();
  return loaded;
}

export const build: typeof Esbuild.build = ((options: Esbuild.BuildOptions) => esbuild().build(options)) as typeof Esbuild.build;

let warming: Promise<void> | undefined;

/** Starts the bundler's service (for esbuild-wasm: compiles its WebAssembly) before the first check needs it. */
export function warmUp(): Promise<void> {
  if (!warming) {
    // A tiny transform starts the service and waits until it answers.
    // A failure here resurfaces, with its message, at the first build.
    warming = esbuildKind() !== null && !loaded ? esbuild().transform("").then(() => undefined, () => undefined) : Promise.resolve();
  }
  return warming;
}

export function stop(): Promise<void> | void {
  return loaded?.stop();
}
