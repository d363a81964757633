// Emits the engine's declarations (src/engine → dist/types/gradlens/*.d.ts) plus a package.json, so
// users' model files get full IntelliSense for `import ... from "gradlens"`. "GradLens: Create example
// model" copies this folder next to the example (see src/extension/core/exampleModel.ts).
// Usage: node src/extension/tools/emitEngineTypes.mjs [outDir]   (default dist/types/gradlens)
import { execFileSync } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdir, rm, writeFile, readFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "../../..");
const require = createRequire(join(root, "package.json"));

export async function emitEngineTypes(outDir = join(root, "dist/types/gradlens")) {
  await rm(outDir, { recursive: true, force: true });
  await mkdir(outDir, { recursive: true });
  const tsc = require.resolve("typescript/bin/tsc");
  execFileSync(process.execPath, [
    tsc, join(root, "src/engine/index.ts"),
    "--declaration", "--emitDeclarationOnly", "--outDir", outDir, "--rootDir", join(root, "src/engine"),
    "--target", "ES2022", "--module", "ESNext", "--moduleResolution", "Bundler", "--lib", "ES2022,DOM",
    "--strict", "--skipLibCheck", "--types", "node", "--isolatedModules", "--esModuleInterop",
  ], { stdio: "inherit", cwd: root });
  if (!existsSync(join(outDir, "index.d.ts"))) throw new Error(`emitEngineTypes: no index.d.ts in ${outDir}`);
  const version = JSON.parse(await readFile(join(root, "package.json"), "utf8")).version;
  await writeFile(
    join(outDir, "package.json"),
    `${JSON.stringify({ name: "gradlens", version, description: "Types of the GradLens engine (generated)", types: "index.d.ts" }, null, 2)}\n`,
  );
  return outDir;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  emitEngineTypes(process.argv[2] ? resolve(process.argv[2]) : undefined).then(
    (d) => console.log(`engine declarations in ${d}`),
    (e) => {
      console.error(e instanceof Error ? e.message : e);
      process.exit(1);
    },
  );
}
