import { Language, Parser } from "web-tree-sitter";

// The Python grammar in WebAssembly (tree-sitter-python's own .wasm, from npm), loaded once. The
// caller hands over the two .wasm files' bytes, so the static scan never touches the file system.

export interface GrammarBytes {
  /** web-tree-sitter's runtime, tree-sitter.wasm */
  runtime: Uint8Array;
  /** tree-sitter-python.wasm */
  python: Uint8Array;
}

let loading: Promise<Parser> | null = null;
let ready: Parser | null = null;

/** Loads the grammar (once); the scan is synchronous afterwards. */
export function loadPythonGrammar(bytes: () => GrammarBytes): Promise<Parser> {
  if (loading === null) {
    loading = (async () => {
      const { runtime, python } = bytes();
      await Parser.init({ wasmBinary: runtime } as Parameters<typeof Parser.init>[0]);
      const parser = new Parser();
      parser.setLanguage(await Language.load(python));
      ready = parser;
      return parser;
    })();
    loading.catch(() => {
      loading = null; // a failed load may be retried (e.g. after the files are restored)
    });
  }
  return loading;
}

/** The parser, once loadPythonGrammar has resolved; else null. */
export function pythonParser(): Parser | null {
  return ready;
}
