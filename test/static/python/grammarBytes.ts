import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import type { GrammarBytes } from "../../../src/static/python/grammar";

const require = createRequire(import.meta.url);

/** The two .wasm files as npm installs them. */
export const grammarBytes = (): GrammarBytes => ({
  runtime: readFileSync(require.resolve("web-tree-sitter/tree-sitter.wasm")),
  python: readFileSync(require.resolve("tree-sitter-python/tree-sitter-python.wasm")),
});
