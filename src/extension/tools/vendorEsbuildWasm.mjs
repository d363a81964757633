// Copies esbuild-wasm into dist/esbuild-wasm/ for the packaged extension (which ships no
// node_modules), patched to run its WebAssembly service with the extension host's own runtime.
//
// Why: the runner bundles the user's model with esbuild at run time. esbuild's native binary is
// platform-specific, so a single universal .vsix ships esbuild-wasm instead. Its Node API spawns
// `node bin/esbuild` (a JS loader for esbuild.wasm) as a long-lived child service; VS Code users need
// not have `node` on PATH, so the patch spawns `process.execPath` with ELECTRON_RUN_AS_NODE=1 (the
// Electron binary of desktop VS Code then acts as Node; in code-server execPath is Node already).
// The child keeps bundling off the extension host's thread.
//
// Usage: node src/extension/tools/vendorEsbuildWasm.mjs [outDir]   (default dist/esbuild-wasm)
import { copyFile, mkdir, readFile, writeFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "../../..");
const require = createRequire(join(root, "package.json"));

const FILES = ["package.json", "LICENSE.md", "lib/main.js", "bin/esbuild", "esbuild.wasm", "wasm_exec.js", "wasm_exec_node.js"];

/** [what, from, to]: each must match exactly once, so an esbuild-wasm update that moves them fails the build. */
const PATCHES = [
  ["service command", 'return ["node", [path2.join(__dirname, "..", "bin", "esbuild")]];', 'return [process.execPath, [path2.join(__dirname, "..", "bin", "esbuild")]];'],
  [
    "service environment",
    'let child = child_process.spawn(command, args.concat(`--service=${"VERSION"}`, "--ping"), {\n    windowsHide: true,',
    'let child = child_process.spawn(command, args.concat(`--service=${"VERSION"}`, "--ping"), {\n    windowsHide: true,\n    env: Object.assign({}, process.env, { ELECTRON_RUN_AS_NODE: "1" }),',
  ],
];

export async function vendorEsbuildWasm(outDir = join(root, "dist/esbuild-wasm")) {
  const pkgDir = dirname(require.resolve("esbuild-wasm/package.json"));
  const version = JSON.parse(await readFile(join(pkgDir, "package.json"), "utf8")).version;
  for (const f of FILES) {
    await mkdir(dirname(join(outDir, f)), { recursive: true });
    await copyFile(join(pkgDir, f), join(outDir, f));
  }
  let main = await readFile(join(outDir, "lib/main.js"), "utf8");
  for (const [what, from, to] of PATCHES) {
    const a = from.replaceAll("VERSION", version);
    const count = main.split(a).length - 1;
    if (count !== 1) throw new Error(`vendorEsbuildWasm: cannot patch the ${what} of esbuild-wasm ${version} (found ${count} matches)`);
    main = main.replace(a, to.replaceAll("VERSION", version));
  }
  await writeFile(join(outDir, "lib/main.js"), main);
  return { outDir, version };
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  vendorEsbuildWasm(process.argv[2] ? resolve(process.argv[2]) : undefined).then(
    ({ outDir, version }) => console.log(`esbuild-wasm ${version} vendored into ${outDir}`),
    (e) => {
      console.error(e instanceof Error ? e.message : e);
      process.exit(1);
    },
  );
}
