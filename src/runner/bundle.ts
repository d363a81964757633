import { build, type Loader, type Message, type Plugin } from "esbuild";
import { isBuiltin } from "node:module";
import { dirname, extname, join, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import type { RunError } from "../protocol/report";
import { engineExportNames } from "./engineExports";
import { ENGINE_GLOBAL, REQUIRE_PARAM } from "./bundleNames";

// Bundles the user's file in memory, ready for the worker: one script (no imports left) plus its
// source map. `import ... from "gradlens"` becomes a read of `globalThis.__gradlens`, the engine the
// worker's tracer observes (never a second copy); Node built-ins become `require` calls the worker
// provides. The output is ESM with top-level await allowed; the worker runs it as the body of an
// async function.

export { ENGINE_GLOBAL, REQUIRE_PARAM };

export interface BundledFile {
  ok: true;
  code: string;
  /** source map JSON of `code` */
  map: string;
  /** absolute path the map's relative sources are resolved against */
  outDir: string;
}

export type BundleResult = BundledFile | { ok: false; error: RunError };

/** `seen.imported` turns true when any module of the bundle imports "gradlens". */
function gradlensPlugin(names: readonly string[], seen: { imported: boolean }): Plugin {
  const body =
    `const g = globalThis.${ENGINE_GLOBAL};\n` +
    `if (!g) throw new Error("the gradlens engine is not loaded in this context");\n` +
    // `export { e0 as var }`: engine names such as `var` are reserved words as bindings.
    names.map((n, i) => `const e${i} = g[${JSON.stringify(n)}];`).join("\n") +
    `\nexport { ${names.map((n, i) => `e${i} as ${n}`).join(", ")} };` +
    `\nexport default g;\n`;
  return {
    name: "gradlens-engine",
    setup(b) {
      b.onResolve({ filter: /^gradlens$/ }, () => {
        seen.imported = true;
        return { path: "gradlens", namespace: "gradlens-engine" };
      });
      b.onLoad({ filter: /.*/, namespace: "gradlens-engine" }, () => ({ contents: body, loader: "js" }));
      b.onResolve({ filter: /^[^./]/ }, (args) => {
        if (!isBuiltin(args.path)) return undefined;
        return { path: args.path, namespace: "node-builtin" };
      });
      b.onLoad({ filter: /.*/, namespace: "node-builtin" }, (args) => ({
        contents: `module.exports = ${REQUIRE_PARAM}(${JSON.stringify(args.path)});`,
        loader: "js",
      }));
    },
  };
}

const MISSING_IMPORT = /^(Could not resolve|No matching export)/;
const NO_ENGINE_EXPORT = /^No matching export in "gradlens-engine:gradlens" for import "([^"]+)"$/;

/** esbuild's words, less its internal namespace: `"gradlens" has no export named "tensr"`. */
function userMessage(text: string): string {
  const m = NO_ENGINE_EXPORT.exec(text);
  return m ? `"gradlens" has no export named "${m[1]}"` : text;
}

function toRunError(m: Message, absFile: string, displayPath: (abs: string) => string, cwd: string): RunError {
  const loc = m.location;
  const inUserCode = loc && loc.file !== "gradlens-entry.js";
  const file = inUserCode ? displayPath(resolve(cwd, loc.file)) : displayPath(absFile);
  return {
    kind: MISSING_IMPORT.test(m.text) ? "missing-import" : "syntax",
    message: userMessage(m.text),
    file,
    line: inUserCode ? loc.line : 1,
    column: inUserCode ? loc.column + 1 : 1,
  };
}

/** Absolute path → text to bundle instead of the file on disk (the editor's unsaved buffers). */
export type SourceOverlay = ReadonlyMap<string, string>;

const OVERLAY_LOADERS: Record<string, Loader> = { ".ts": "ts", ".mts": "ts", ".cts": "ts", ".tsx": "tsx", ".js": "js", ".mjs": "js", ".cjs": "js", ".jsx": "jsx" };

/** Serves overlaid files' text in place of their contents on disk (resolution still uses the disk). */
function overlayPlugin(overlay: SourceOverlay): Plugin {
  return {
    name: "gradlens-overlay",
    setup(b) {
      b.onLoad({ filter: /.*/, namespace: "file" }, (args) => {
        const contents = overlay.get(args.path);
        if (contents === undefined) return undefined;
        return { contents, loader: OVERLAY_LOADERS[extname(args.path).toLowerCase()] ?? "ts", resolveDir: dirname(args.path) };
      });
    },
  };
}

export async function bundleUserFile(
  absFile: string,
  displayPath: (abs: string) => string,
  cwd: string,
  overlay: SourceOverlay = new Map(),
): Promise<BundleResult> {
  const outDir = dirname(absFile);
  const names = await engineExportNames();
  const fileUrl = pathToFileURL(absFile).href;
  const seen = { imported: false };
  try {
    const result = await build({
      stdin: { contents: `import ${JSON.stringify(absFile)};\n`, resolveDir: outDir, sourcefile: "gradlens-entry.js", loader: "js" },
      absWorkingDir: cwd,
      bundle: true,
      write: false,
      format: "esm",
      platform: "node",
      target: "node20",
      outfile: join(outDir, "gradlens-bundle.js"),
      sourcemap: "external",
      sourcesContent: true,
      keepNames: true,
      logLevel: "silent",
      plugins: overlay.size ? [gradlensPlugin(names, seen), overlayPlugin(overlay)] : [gradlensPlugin(names, seen)],
      define: {
        "import.meta.url": JSON.stringify(fileUrl),
        "import.meta.filename": JSON.stringify(absFile),
        "import.meta.dirname": JSON.stringify(outDir),
      },
    });
    const js = result.outputFiles.find((f) => f.path.endsWith(".js"));
    const map = result.outputFiles.find((f) => f.path.endsWith(".map"));
    if (!js || !map) throw new Error("esbuild produced no output");
    if (!seen.imported) {
      const message =
        'the file does not import "gradlens": GradLens checks model code written against its engine ' +
        '(import { nn, optim, tensor } from "gradlens")';
      return { ok: false, error: { kind: "missing-import", message, file: displayPath(absFile), line: 1, column: 1 } };
    }
    return { ok: true, code: js.text, map: map.text, outDir };
  } catch (e) {
    const errors = (e as { errors?: Message[] }).errors;
    if (Array.isArray(errors) && errors.length > 0) {
      return { ok: false, error: toRunError(errors[0], absFile, displayPath, cwd) };
    }
    return {
      ok: false,
      error: { kind: "syntax", message: e instanceof Error ? e.message : String(e), file: displayPath(absFile), line: 1, column: 1 },
    };
  }
}
