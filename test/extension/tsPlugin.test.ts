// The TypeScript server plugin, built as it is packaged (dist/ts-plugin/index.js via buildTsPlugin),
// loaded into a real language service for a file in a folder with no tsconfig and no node_modules:
// `import … from "gradlens"` resolves to the engine's types, so typos are type errors, not `any`.
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import ts from "typescript";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
// @ts-expect-error an .mjs build script without declarations
import { buildTsPlugin } from "../../src/extension/tools/buildExtension.mjs";
import { repoRoot } from "../runner/buildDist";

const dir = mkdtempSync(join(tmpdir(), "gradlens-tsplugin-"));
let plugin: ts.server.PluginModuleFactory;

beforeAll(async () => {
  const out: string = await buildTsPlugin(join(dir, "ext", "node_modules", "gradlens-ts-plugin"));
  plugin = createRequire(join(out, "package.json"))(out) as ts.server.PluginModuleFactory;
}, 60_000);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Semantic diagnostics of one model file in a language service, with or without the plugin. */
function diagnosticsOf(source: string, withPlugin: boolean): ts.Diagnostic[] {
  const ws = mkdtempSync(join(dir, "ws-"));
  const file = join(ws, "model.ts");
  writeFileSync(file, source);
  const options: ts.CompilerOptions = { strict: true, target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.ESNext, moduleResolution: ts.ModuleResolutionKind.Bundler, skipLibCheck: true, types: [] };
  const cache = ts.createModuleResolutionCache(ws, (f) => f, options);
  const host: ts.LanguageServiceHost = {
    getScriptFileNames: () => [file],
    getScriptVersion: () => "1",
    getScriptSnapshot: (f) => (ts.sys.fileExists(f) ? ts.ScriptSnapshot.fromString(ts.sys.readFile(f)!) : undefined),
    getCurrentDirectory: () => ws,
    getCompilationSettings: () => options,
    getDefaultLibFileName: (o) => ts.getDefaultLibFilePath(o),
    fileExists: ts.sys.fileExists,
    readFile: ts.sys.readFile,
    readDirectory: ts.sys.readDirectory,
    directoryExists: ts.sys.directoryExists,
    getDirectories: ts.sys.getDirectories,
    // tsserver's projects resolve through this method, which the plugin wraps.
    resolveModuleNameLiterals: (literals, containing, redirected, opts) =>
      literals.map((l) => ts.resolveModuleName(l.text, containing, opts, ts.sys, cache, redirected)),
  };
  const service = ts.createLanguageService(host);
  if (withPlugin) {
    // The engine's sources stand in for the emitted declarations (same types, no tsc run in a unit test).
    const config = { typesFile: join(repoRoot, "src/engine/index.ts") };
    plugin({ typescript: ts }).create({ languageServiceHost: host, languageService: service, config } as unknown as ts.server.PluginCreateInfo);
  }
  return service.getSemanticDiagnostics(file);
}

const MODEL = [
  'import { nn, optim, randn } from "gradlens";',
  "const net = new nn.Linear(4, 2);",
  "const opt = new optim.SGD(net.parameters(), { lr: 0.1 });",
  "net.forwrd(randn([3, 4])).sum().backward();",
  "opt.step();",
].join("\n");

describe("the TypeScript server plugin", () => {
  it("without it, the import does not resolve (TS2307) and the typo goes unnoticed", () => {
    expect(diagnosticsOf(MODEL, false).map((d) => d.code)).toEqual([2307]);
  });

  it("with it, the engine's types resolve: the only error is the typo, with PyTorch's method as the suggestion", () => {
    const diagnostics = diagnosticsOf(MODEL, true);
    expect(diagnostics.map((d) => [d.code, ts.flattenDiagnosticMessageText(d.messageText, "\n")])).toEqual([
      [2551, "Property 'forwrd' does not exist on type 'Linear'. Did you mean 'forward'?"],
    ]);
  });

  it("other imports that do not resolve are left alone", () => {
    const other = 'import { x } from "not-installed";\nexport const y = x;';
    expect(diagnosticsOf(other, true).map((d) => d.code)).toEqual([2307]);
  });
});
