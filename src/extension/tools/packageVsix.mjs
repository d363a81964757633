// `npm run package [-- vsce options]`: builds the extension (buildExtension.mjs) and packs the .vsix
// with vsce from a staging folder whose manifest is the extension's view of package.json.
// `--target linux-x64` (vsce's platform targets, see vendorEsbuildNative.mjs) makes a per-platform
// .vsix with esbuild's native binary; without it, the universal .vsix with esbuild-wasm, which the
// Marketplace serves to platforms that have no package of their own.
//
// Why a staging folder: one package.json serves two products. For npm, `main`/`exports` are the engine
// (`require("gradlens")`) and `files` lists what the tarball holds; VS Code instead loads `main` as the
// extension's entry. vsce reads the manifest from its working folder and has no option to read another,
// so the staged copy gets `main: ./dist/extension.js` and loses the npm-only fields, while
// .vscodeignore (copied as is) stays the one list of what the .vsix holds.
import { execFileSync } from "node:child_process";
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { buildExtension } from "./buildExtension.mjs";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "../../..");
const require = createRequire(join(root, "package.json"));

/** Fields that describe the npm package only; the extension needs none of them. */
const NPM_ONLY = ["types", "exports", "bin", "files", "scripts", "dependencies", "devDependencies"];
/** What the .vsix may take (.vscodeignore picks from these); sources and tests stay behind. */
const COPIED = ["dist", "media", "docs", "README.md", "LICENSE", ".vscodeignore"];

/** `dependencies`: what the .vsix ships under node_modules (VS Code loads a TS server plugin from there). */
export function extensionManifest(pkg, dependencies = {}) {
  const manifest = { ...pkg, main: "./dist/extension.js" };
  for (const key of NPM_ONLY) delete manifest[key];
  if (Object.keys(dependencies).length > 0) manifest.dependencies = dependencies;
  return manifest;
}

/**
 * The TypeScript server plugin (built to dist/ts-plugin by buildExtension.mjs, when it exists) goes to
 * the stage's node_modules/gradlens-ts-plugin, the only place VS Code looks for it.
 */
function stageTsPlugin(stage) {
  const built = join(root, "dist/ts-plugin");
  if (!existsSync(built)) return {};
  cpSync(built, join(stage, "node_modules/gradlens-ts-plugin"), { recursive: true });
  const { version } = JSON.parse(readFileSync(join(built, "package.json"), "utf8"));
  return { "gradlens-ts-plugin": version };
}

/** The value of vsce's `--target X` / `--target=X` among its arguments. */
export function targetOf(vsceArgs) {
  const i = vsceArgs.findIndex((a) => a === "--target" || a === "-t" || a.startsWith("--target="));
  if (i < 0) return undefined;
  return vsceArgs[i].startsWith("--target=") ? vsceArgs[i].slice("--target=".length) : vsceArgs[i + 1];
}

export async function packageVsix(vsceArgs = []) {
  await buildExtension({ target: targetOf(vsceArgs) });
  const stage = mkdtempSync(join(tmpdir(), "gradlens-vsix-"));
  try {
    for (const entry of COPIED) if (existsSync(join(root, entry))) cpSync(join(root, entry), join(stage, entry), { recursive: true });
    // the Extensions view shows the user README (src/extension/README.md, image paths relative to the
    // package root); the contributor README stays for npm and the repository
    cpSync(join(root, "src/extension/README.md"), join(stage, "README.md"));
    const pkg = JSON.parse(readFileSync(join(root, "package.json"), "utf8"));
    const dependencies = stageTsPlugin(stage);
    writeFileSync(join(stage, "package.json"), `${JSON.stringify(extensionManifest(pkg, dependencies), null, 2)}\n`);
    // relative --out paths are meant from where `npm run package` was started, not from the stage
    const args = [...vsceArgs];
    const out = args.findIndex((a) => a === "-o" || a === "--out");
    if (out >= 0 && args[out + 1] !== undefined) args[out + 1] = resolve(process.env.INIT_CWD ?? process.cwd(), args[out + 1]);
    else args.push("--out", root);
    const vsce = require.resolve("@vscode/vsce/vsce");
    execFileSync(
      process.execPath,
      // with dependencies vsce lists the stage's node_modules (the plugin only); without, it skips npm
      [vsce, "package", ...(Object.keys(dependencies).length > 0 ? [] : ["--no-dependencies"]), "--no-rewrite-relative-links", "--allow-missing-repository", ...args],
      { cwd: stage, stdio: "inherit" },
    );
  } finally {
    rmSync(stage, { recursive: true, force: true });
  }
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  packageVsix(process.argv.slice(2)).catch((e) => {
    console.error(e instanceof Error ? e.message : e);
    process.exit(1);
  });
}
