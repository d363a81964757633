import { describe, expect, it } from "vitest";
import { readdirSync, readFileSync, statSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import ts from "typescript";

// The one-way dependency rules of DEVELOPERS.md, checked on every import in src/ and media/src.

const root = resolve(__dirname, "..");

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sourceFiles(path);
    return /\.(ts|mts|cts)$/.test(name) && !name.endsWith(".d.ts") ? [path] : [];
  });
}

/** Every module specifier a file imports or re-exports (static, dynamic, `import type`; not text in strings). */
function importsOf(file: string): string[] {
  const info = ts.preProcessFile(readFileSync(file, "utf8"), true, true);
  // preProcessFile is a scanner, not a parser: a regex literal like /import "(x)"/ can look like an
  // import; real specifiers never hold brackets
  return [...new Set(info.importedFiles.map((f) => f.fileName).filter((s) => /^[\w@./:-]+$/.test(s)))];
}

/** The top-level area an import lands in ("engine", "trace", ...), or the package name. */
function target(file: string, spec: string): string {
  if (!spec.startsWith(".")) return spec.startsWith("node:") ? "node:" : spec.split("/")[0].startsWith("@") ? spec.split("/").slice(0, 2).join("/") : spec.split("/")[0];
  const abs = relative(root, resolve(dirname(file), spec));
  const parts = abs.split("/");
  return parts[0] === "src" ? parts[1] : parts[0] === "media" ? "media" : abs;
}

const areaOf = (file: string) => {
  const parts = relative(root, file).split("/");
  return parts[0] === "src" ? parts[1] : "media";
};

/** What each area may import besides itself. */
const allowed: Record<string, string[]> = {
  engine: [],
  protocol: [],
  trace: ["engine", "protocol", "@jridgewell/trace-mapping", "@sinclair/typebox", "acorn", "node:"],
  analysis: ["trace", "protocol", "engine"],
  static: ["typescript", "web-tree-sitter"],
  runner: ["engine", "trace", "analysis", "protocol", "esbuild", "@jridgewell/trace-mapping", "@sinclair/typebox", "node:"],
  cli: ["runner", "protocol", "analysis", "trace", "package.json", "node:"],
  extension: ["vscode", "runner", "static", "protocol", "analysis", "media", "typescript", "node:", "esbuild", "esbuild-wasm", "@vscode/python-extension"],
  media: ["protocol", "elkjs"],
};

const files = [...sourceFiles(join(root, "src")), ...sourceFiles(join(root, "media/src"))];

describe("dependencies point one way only", () => {
  it("finds the sources", () => {
    expect(files.length).toBeGreaterThan(100);
  });

  it.each(Object.keys(allowed))("%s imports only what it may", (area) => {
    const bad: string[] = [];
    for (const file of files.filter((f) => areaOf(f) === area)) {
      for (const spec of importsOf(file)) {
        const to = target(file, spec);
        if (to !== area && !allowed[area].includes(to)) bad.push(`${relative(root, file)} imports ${spec}`);
      }
    }
    expect(bad).toEqual([]);
  });

  it("only src/extension imports vscode", () => {
    const offenders = files.filter((f) => areaOf(f) !== "extension" && importsOf(f).includes("vscode"));
    expect(offenders).toEqual([]);
  });

  it("the check itself would catch an engine file importing the tracer", () => {
    expect(target(join(root, "src/engine/tensor.ts"), "../trace/recorder")).toBe("trace");
    expect(allowed.engine.includes("trace")).toBe(false);
  });
});
