import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { execFileSync, spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import type { Report } from "../../src/protocol/report";

// The npm package as a user gets it: build, `npm pack`, install the tarball into a fresh project
// outside the repository (so nothing resolves to the repository's node_modules), type-check a model
// file against the shipped declarations with tsc, and run `npx gradlens check` from that project.
// The project has a tsconfig `paths` alias, a relative import and an npm dependency of its own.

const repoRoot = fileURLToPath(new URL("../..", import.meta.url));
const tsc = join(repoRoot, "node_modules/typescript/bin/tsc");

interface PackedFile {
  path: string;
  size: number;
}

let work = "";
let project = "";
let packed: { filename: string; size: number; unpackedSize: number; files: PackedFile[] };

function write(path: string, text: string): void {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, text);
}

function fillProject(dir: string, tarball: string): void {
  write(join(dir, "package.json"), JSON.stringify({
    name: "consumer", private: true, type: "module",
    devDependencies: { gradlens: `file:${tarball}`, "hidden-size": "file:./vendor/hidden-size" },
  }, null, 2));
  write(join(dir, "vendor/hidden-size/package.json"), JSON.stringify({ name: "hidden-size", version: "1.0.0", main: "index.js", types: "index.d.ts" }));
  write(join(dir, "vendor/hidden-size/index.js"), "exports.HIDDEN = 5;\n");
  write(join(dir, "vendor/hidden-size/index.d.ts"), "export declare const HIDDEN: number;\n");
  write(join(dir, "tsconfig.json"), JSON.stringify({
    compilerOptions: {
      target: "ES2022", module: "NodeNext", moduleResolution: "NodeNext", strict: true, noEmit: true,
      skipLibCheck: false, types: [], lib: ["ES2022"], paths: { "@layers/*": ["./src/layers/*"] },
    },
    include: ["src"],
  }, null, 2));
  write(join(dir, "src/layers/block.ts"), [
    'import { nn } from "gradlens";',
    'import { HIDDEN } from "hidden-size";',
    "export const block = (inputs: number) => new nn.Sequential(new nn.Linear(inputs, HIDDEN), new nn.ReLU());",
    "",
  ].join("\n"));
  write(join(dir, "src/model.ts"), [
    'import { nn, optim, F, randn, manualSeed, type Tensor } from "gradlens";',
    'import { HIDDEN } from "hidden-size";',
    'import { block } from "@layers/block.js";',
    "",
    "manualSeed(0);",
    "const body = block(4);",
    "const head = new nn.Linear(HIDDEN, 1);",
    "body.requiresGrad_(false);",
    "const opt = new optim.Adam(head.parameters(), { lr: 1e-3 });",
    "for (let step = 0; step < 100; step++) {",
    "  const x: Tensor = randn(8, 4);",
    "  opt.zeroGrad();",
    "  const loss = F.mseLoss(head.forward(body.forward(x)), randn(8, 1));",
    "  loss.backward();",
    "  opt.step();",
    "}",
    "",
  ].join("\n"));
}

beforeAll(() => {
  work = mkdtempSync(join(tmpdir(), "gradlens-pack-"));
  execFileSync(process.execPath, ["esbuild.config.mjs", "--quiet", "package"], { cwd: repoRoot, stdio: ["ignore", "ignore", "inherit"] });
  // --ignore-scripts: prepack would build again (just done) and print into the JSON on stdout
  const out = execFileSync("npm", ["pack", "--json", "--ignore-scripts", "--pack-destination", work], { cwd: repoRoot, encoding: "utf8" });
  packed = JSON.parse(out)[0];
  project = join(work, "project");
  fillProject(project, join(work, packed.filename));
  // --prefer-offline: esbuild comes from the npm cache the repository's own install filled
  execFileSync("npm", ["install", "--prefer-offline", "--no-audit", "--no-fund", "--loglevel=error"], { cwd: project, stdio: ["ignore", "ignore", "inherit"] });
}, 300_000);

afterAll(() => {
  if (work !== "") rmSync(work, { recursive: true, force: true });
});

describe("npm package", () => {
  it("holds exactly the engine, the CLI, the runner's worker, the declarations, the findings docs, README and LICENSE", () => {
    const paths = packed.files.map((f) => f.path);
    const outside = paths.filter(
      (p) => !/^dist\/types\/gradlens\/[\w/.]+\.d\.ts$/.test(p) && p !== "dist/types/gradlens/package.json",
    );
    const expected = ["LICENSE", "README.md", "dist/cli.js", "dist/engine/index.cjs", "dist/engine/index.mjs", "dist/worker.js", "docs/findings.md", "package.json"];
    // the PyTorch backend's tracer, copied next to the worker where that backend exists
    if (existsSync(join(repoRoot, "src/runner/python/gradlens_tracer.py"))) expected.push("dist/gradlens_tracer.py");
    expect(outside.sort()).toEqual(expected.sort());
    expect(paths).toContain("dist/types/gradlens/index.d.ts");
    // the README states the size; a jump means something unplanned is shipping (the Winograd
    // kernels, in each bundle's four wasm builds, took it from ~710 to ~820 kB)
    expect(packed.size).toBeLessThan(860_000);
    expect(packed.unpackedSize).toBeLessThan(3_300_000);
  });

  it("type-checks a model file against the shipped declarations (NodeNext, no skipLibCheck)", () => {
    const ok = spawnSync(process.execPath, [tsc, "-p", project], { encoding: "utf8" });
    expect(ok.stdout + ok.stderr).toBe("");
    expect(ok.status).toBe(0);
    // the declarations are real: a wrong argument is an error, not `any`
    write(join(project, "src/wrong.ts"), 'import { nn } from "gradlens";\nnew nn.Linear("4", 2);\n');
    try {
      const bad = spawnSync(process.execPath, [tsc, "-p", project], { encoding: "utf8" });
      expect(bad.status).toBe(2);
      expect(bad.stdout).toContain("src/wrong.ts(2,15): error TS2345: Argument of type 'string' is not assignable to parameter of type 'number'.");
    } finally {
      rmSync(join(project, "src/wrong.ts"));
    }
  }, 60_000);

  it("gives the engine to require and import alike (one copy, not the extension)", () => {
    const script = [
      'import { createRequire } from "node:module";',
      'const cjs = createRequire(import.meta.url)("gradlens");',
      'const esm = await import("gradlens");',
      "const x = esm.tensor([1, 2], { requiresGrad: true });",
      "cjs.tensor([3, 4]).mul(x).sum().backward();",
      // `var` is a reserved word: the ESM re-export must still name it
      "console.log(JSON.stringify({ same: cjs.nn === esm.nn && esm.default === cjs && typeof esm.var === \"function\" && esm.var === cjs.var, grad: x.grad.tolist() }));",
    ].join("\n");
    const r = spawnSync(process.execPath, ["--input-type=module", "-e", script], { cwd: project, encoding: "utf8" });
    expect(r.stderr).toBe(""); expect(JSON.parse(r.stdout)).toEqual({ same: true, grad: [3, 4] });
  });

  it("bundles for the browser (the engine has no Node-only dependency)", () => {
    const script = [
      'const { build } = require("esbuild");',
      'build({ stdin: { contents: \'import { nn, randn } from "gradlens"; console.log(new nn.Linear(2, 1).forward(randn(3, 2)).shape);\', resolveDir: process.cwd() },',
      '  bundle: true, write: false, platform: "browser", format: "esm", logLevel: "silent" })',
      '  .then((r) => console.log(r.outputFiles[0].text.length), (e) => { console.error(e.message); process.exit(1); });',
    ].join("\n");
    const r = spawnSync(process.execPath, ["-e", script], { cwd: project, encoding: "utf8" });
    expect(r.stderr).toBe("");
    expect(Number(r.stdout)).toBeGreaterThan(100_000);
  });

  it("runs `npx gradlens check` from the project: its tsconfig paths, relative imports and npm dependencies resolve", () => {
    const r = spawnSync("npx", ["--no", "gradlens", "check", "src/model.ts", "--json"], { cwd: project, encoding: "utf8", timeout: 60_000 });
    expect(r.stderr).toBe("");
    const report = JSON.parse(r.stdout) as Report;
    expect(report.error).toBeNull();
    // the block's module name comes from the tracer (it is built inside a function); the layer is ".0"
    const facts = Object.fromEntries(
      report.parameters.map((p) => [p.name.replace(/^.*(?=\.0\.)/, "block"), [p.shape, p.status, p.cause && `${p.cause.kind} ${p.cause.file}:${p.cause.line}`]]),
    );
    expect(facts).toEqual({
      "block.0.weight": [[5, 4], "frozen", "requires-grad-false src/model.ts:8"],
      "block.0.bias": [[5], "frozen", "requires-grad-false src/model.ts:8"],
      "head.weight": [[1, 5], "updated", null],
      "head.bias": [[1], "updated", null],
    });
    expect(report.stopped.reason).toBe("step-budget");
    expect(r.status).toBe(0);
  }, 90_000);
});
