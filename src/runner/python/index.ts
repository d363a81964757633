// The PyTorch backend: a .py script run by the user's Python with the bundled tracer.
export { runPythonFile, type PythonRunOptions } from "./runPython";
export { chooseInterpreter, howToChoose, findOnPath, type InterpreterChoice } from "./interpreter";
export { defaultTracerPath, TRACER_FILE_NAME } from "./tracerPath";

/** Files checked by the PyTorch backend rather than the bundled engine. */
export function isPythonFile(file: string): boolean {
  return /\.pyw?$/i.test(file);
}
