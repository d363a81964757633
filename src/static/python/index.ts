// The static scan of PyTorch scripts (tree-sitter's Python grammar in WebAssembly).
export { loadPythonGrammar, pythonParser, type GrammarBytes } from "./grammar";
export { scanPythonSource, PYTHON_TOP_LEVEL } from "./scanPython";

/** Files the Python scan handles. */
export function isPythonSource(fileName: string): boolean {
  return /\.pyw?$/i.test(fileName);
}
