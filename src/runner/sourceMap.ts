import { TraceMap, originalPositionFor } from "@jridgewell/trace-mapping";
import { fileURLToPath, pathToFileURL } from "node:url";
import type { Site } from "../trace/schema";
import type { PositionMapper } from "../trace/sites";
import type { SourceText } from "../trace/variableNames";

// Bundle positions → the user's TypeScript (sites), and the source text for naming variables. Frames
// that map into node_modules or into the virtual "gradlens" module are library code: not a site.

/**
 * A source map's `sources` entry is a URL reference relative to the map (esbuild writes "m%C3%B6del.ts"
 * for mödel.ts, "%23" for #): resolved and decoded here, once, into a plain file path.
 */
export function sourcePath(source: string, outDir: string): string {
  return fileURLToPath(new URL(source, pathToFileURL(outDir.endsWith("/") ? outDir : `${outDir}/`)));
}

export class BundleSourceMap implements PositionMapper, SourceText {
  private readonly traceMap: TraceMap;
  /** resolved source name → display path, or null for library sources */
  private readonly display = new Map<string, string | null>();
  private readonly lines = new Map<string, string[]>();

  constructor(mapJson: string, outDir: string, displayPath: (abs: string) => string) {
    this.traceMap = new TraceMap(mapJson);
    const sources = this.traceMap.sources;
    const resolved = this.traceMap.resolvedSources;
    const contents = this.traceMap.sourcesContent ?? [];
    for (let i = 0; i < resolved.length; i++) {
      const raw = sources[i] ?? "";
      const library = raw.includes("node_modules/") || raw.startsWith("gradlens-engine:") || raw.startsWith("node-builtin:") || raw === "gradlens-entry.js";
      const shown = library ? null : displayPath(sourcePath(raw, outDir));
      this.display.set(resolved[i]!, shown);
      const text = contents[i];
      if (shown !== null && typeof text === "string") this.lines.set(shown, text.split(/\r?\n/));
    }
  }

  map(line: number, column: number): Site | null {
    const pos = originalPositionFor(this.traceMap, { line, column: Math.max(0, column - 1) });
    if (pos.source === null || pos.line === null || pos.column === null) return null;
    const file = this.display.get(pos.source);
    if (file === undefined || file === null) return null;
    return { file, line: pos.line, column: pos.column + 1 };
  }

  /** The user's source files (display path) with their lines. */
  userFiles(): Array<[string, string[]]> {
    return [...this.lines.entries()];
  }

  line(file: string, line: number): string | null {
    return this.lines.get(file)?.[line - 1] ?? null;
  }
}
