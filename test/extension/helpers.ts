// Shared test helpers: a SourceLookup over fixture sources.
import type { SourceLookup } from "../../src/extension/core/diagnostics";
import { scanSource } from "../../src/static";

export function lookupFor(files: Record<string, string>): SourceLookup {
  const scans = new Map(Object.entries(files).map(([f, text]) => [f, scanSource(text, f)]));
  return {
    lineText: (file, line) => files[file]?.split("\n")[line - 1],
    scan: (file) => scans.get(file) ?? null,
  };
}
