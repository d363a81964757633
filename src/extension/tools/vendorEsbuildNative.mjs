// Copies esbuild's JavaScript API and one platform's native binary into dist/esbuild-native/, for a
// per-platform .vsix (`npm run package -- --target linux-x64`). The native esbuild starts in ~0.1 s,
// where esbuild-wasm (the universal .vsix) first compiles 14 MB of WebAssembly: 0.7–3 s, the largest
// part of the first check after the extension starts.
//
// The binary comes from npm's @esbuild/<platform> package of the same version as the "esbuild"
// dependency: node_modules holds the one for this machine; another platform's is fetched with
// `npm pack` (the npm registry, like every other package). esbuild's lib/main.js is patched to run
// the binary next to it (../bin/), as it would with ESBUILD_BINARY_PATH set.
//
// Usage: node src/extension/tools/vendorEsbuildNative.mjs <vsce target> [outDir]
import { execFileSync } from "node:child_process";
import { chmod, copyFile, mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { existsSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "../../..");
const require = createRequire(join(root, "package.json"));

/** vsce's --target → the @esbuild package with its binary (Alpine's musl needs nothing else: esbuild is static). */
export const NATIVE_TARGETS = {
  "win32-x64": "@esbuild/win32-x64",
  "win32-arm64": "@esbuild/win32-arm64",
  "linux-x64": "@esbuild/linux-x64",
  "linux-arm64": "@esbuild/linux-arm64",
  "linux-armhf": "@esbuild/linux-arm",
  "alpine-x64": "@esbuild/linux-x64",
  "alpine-arm64": "@esbuild/linux-arm64",
  "darwin-x64": "@esbuild/darwin-x64",
  "darwin-arm64": "@esbuild/darwin-arm64",
};

/** This machine's vsce target ("linux-x64"), or undefined when esbuild ships no binary for it. */
export function hostTarget(platform = process.platform, arch = process.arch) {
  const target = `${platform}-${arch === "arm" ? "armhf" : arch}`;
  return target in NATIVE_TARGETS ? target : undefined;
}

/** The binary's path inside its package and in dist/esbuild-native/. */
export function binaryName(target) {
  return target.startsWith("win32-") ? "esbuild.exe" : "bin/esbuild";
}

const BINARY_PATH_LINE = "var ESBUILD_BINARY_PATH = process.env.ESBUILD_BINARY_PATH || ESBUILD_BINARY_PATH;";
/** Runs ../bin/esbuild(.exe) from lib/main.js, whatever the process's ESBUILD_BINARY_PATH says. */
const BINARY_PATH_PATCH =
  'var ESBUILD_BINARY_PATH = require("path").join(__dirname, "..", "bin", process.platform === "win32" ? "esbuild.exe" : "esbuild");';

export function packageOfTarget(target) {
  const pkg = NATIVE_TARGETS[target];
  if (!pkg) throw new Error(`no native esbuild for the target "${target}" (known: ${Object.keys(NATIVE_TARGETS).join(", ")})`);
  return pkg;
}

/** The platform package's folder: node_modules' copy when it is the same version, else one `npm pack`ed into `scratch`. */
async function platformPackageDir(pkg, version, scratch) {
  const local = join(root, "node_modules", pkg);
  if (existsSync(join(local, "package.json")) && JSON.parse(await readFile(join(local, "package.json"), "utf8")).version === version) return local;
  const tarball = execFileSync("npm", ["pack", `${pkg}@${version}`, "--silent", "--pack-destination", scratch], { cwd: scratch, encoding: "utf8" }).trim().split("\n").at(-1);
  execFileSync("tar", ["-xzf", join(scratch, tarball), "-C", scratch]);
  return join(scratch, "package");
}

export async function vendorEsbuildNative(target, outDir = join(root, "dist/esbuild-native")) {
  const pkg = packageOfTarget(target);
  const apiDir = dirname(require.resolve("esbuild/package.json"));
  const version = JSON.parse(await readFile(join(apiDir, "package.json"), "utf8")).version;
  const scratch = await mkdtemp(join(tmpdir(), "gradlens-esbuild-"));
  try {
    const from = await platformPackageDir(pkg, version, scratch);
    await rm(outDir, { recursive: true, force: true });
    await mkdir(join(outDir, "lib"), { recursive: true });
    await mkdir(join(outDir, "bin"), { recursive: true });
    for (const f of ["package.json", "LICENSE.md"]) await copyFile(join(apiDir, f), join(outDir, f));
    const main = await readFile(join(apiDir, "lib/main.js"), "utf8");
    const count = main.split(BINARY_PATH_LINE).length - 1;
    if (count !== 1) throw new Error(`vendorEsbuildNative: cannot patch the binary path of esbuild ${version} (found ${count} matches)`);
    await writeFile(join(outDir, "lib/main.js"), main.replace(BINARY_PATH_LINE, BINARY_PATH_PATCH));
    const binary = join(outDir, "bin", target.startsWith("win32-") ? "esbuild.exe" : "esbuild");
    await copyFile(join(from, binaryName(target)), binary);
    await chmod(binary, 0o755);
  } finally {
    await rm(scratch, { recursive: true, force: true });
  }
  return { outDir, version, pkg };
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const [target, out] = process.argv.slice(2);
  vendorEsbuildNative(target, out ? resolve(out) : undefined).then(
    ({ outDir, version, pkg }) => console.log(`${pkg} ${version} vendored into ${outDir}`),
    (e) => {
      console.error(e instanceof Error ? e.message : e);
      process.exit(1);
    },
  );
}
