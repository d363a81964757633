import { parseArgs as parseNodeArgs } from "node:util";

// `gradlens check <file.ts | file.py> [--format text|json|sarif | --json | --sarif] [--out FILE]
// [--steps N] [--timeout SECONDS] [--memory MB] [--python PATH] [-- script args]`, read with node:util's
// parseArgs (so `--steps=3` works too).

export type OutputFormat = "text" | "json" | "sarif";

export interface CheckArgs {
  command: "check";
  file: string;
  format: OutputFormat;
  out: string | null;
  steps: number | undefined;
  timeoutMs: number | undefined;
  memoryMb: number | undefined;
  /** .py files: the interpreter (--python PATH) */
  python: string | undefined;
  /** .py files: what follows `--`, the script's own arguments */
  scriptArgs: string[];
}

/** `usage`: no arguments at all — the usage goes to stderr and the exit code says "used wrongly". */
export type ParsedArgs =
  | CheckArgs
  | { command: "help" }
  | { command: "usage" }
  | { command: "version" }
  | { command: "error"; message: string };

/** Timers hold at most 2^31 − 1 ms; a longer --timeout would fire at once instead of never. */
export const MAX_TIMEOUT_SECONDS = Math.floor((2 ** 31 - 1) / 1000);
/** 1 TiB: beyond any machine the check runs on, and far from where V8's limits overflow. */
export const MAX_MEMORY_MB = 2 ** 20;
export const MAX_STEPS = 1_000_000;

export const USAGE = `Usage: gradlens check <file.ts | file.py> [options] [-- script arguments]

Runs the model file (a .ts/.js file in the bundled engine, a .py PyTorch script in your Python),
traces its gradient flow, and reports for every parameter whether it got a gradient and was
updated, and if not, what cut it, at which line.

Options:
  --format FORMAT     text (default), json (the Report) or sarif (SARIF 2.1.0)
  --json, --sarif     the same as --format json, --format sarif
  --out FILE          write the output to FILE instead of stdout
  --steps N           optimizer steps to run before stopping (default 1)
  --timeout SECONDS   wall-clock limit for the run (default 10)
  --memory MB         memory limit for the run (default 1024)
  --python PATH       .py files: the Python to run (default: $GRADLENS_PYTHON, else python3/python on PATH)
  -- ARGS...          .py files: arguments for the script (its sys.argv[1:])
  -h, --help          show this help
  -v, --version       show the version

Exit code: 0 clean, 1 a finding at error level, 2 the file could not run (syntax error,
exception, timeout, memory limit), 3 GradLens failed or was used wrongly.`;

const OPTIONS = {
  format: { type: "string" },
  json: { type: "boolean" },
  sarif: { type: "boolean" },
  out: { type: "string" },
  steps: { type: "string" },
  timeout: { type: "string" },
  memory: { type: "string" },
  python: { type: "string" },
  help: { type: "boolean", short: "h" },
  version: { type: "boolean", short: "v" },
} as const;

const FORMATS: readonly OutputFormat[] = ["text", "json", "sarif"];

/** A number in (0, max], an integer where asked; the message names the flag and the bad value. */
function bounded(flag: string, value: string | undefined, max: number, integer: boolean): number | undefined {
  if (value === undefined) return undefined;
  const n = value.trim() === "" ? NaN : Number(value);
  if (!Number.isFinite(n) || n <= 0 || n > max || (integer && !Number.isInteger(n))) {
    throw new Error(`--${flag} expects a positive ${integer ? "integer" : "number"} up to ${max.toLocaleString("en-US")}, got "${value}"`);
  }
  return n;
}

/** node:util's messages carry advice for programmers ("To specify a positional argument…"); keep the first sentence. */
function parseError(e: unknown): string {
  const code = (e as { code?: string }).code;
  const message = e instanceof Error ? e.message : String(e);
  const option = /'([^']+)'/.exec(message)?.[1];
  if (code === "ERR_PARSE_ARGS_UNKNOWN_OPTION" && option) return `unknown option "${option}"`;
  if (code === "ERR_PARSE_ARGS_INVALID_OPTION_VALUE" && option) {
    const flag = option.split(" ")[0].replace(/^-\w, /, "");
    return /does not take an argument/.test(message) ? `${flag} takes no value` : `${flag} needs a value`;
  }
  return message.split(/\.\s/)[0];
}

export function parseArgs(argv: readonly string[]): ParsedArgs {
  if (argv.length === 0) return { command: "usage" };
  // what follows `--` belongs to the checked script, not to gradlens
  const split = argv.indexOf("--");
  const own = split < 0 ? [...argv] : argv.slice(0, split);
  const scriptArgs = split < 0 ? [] : argv.slice(split + 1);
  let parsed;
  try {
    parsed = parseNodeArgs({ args: own, options: OPTIONS, allowPositionals: true, strict: true });
  } catch (e) {
    return { command: "error", message: parseError(e) };
  }
  const { values, positionals } = parsed;
  if (values.help) return { command: "help" };
  if (values.version) return { command: "version" };
  const [command, ...files] = positionals;
  if (command === undefined) return { command: "error", message: "no command: gradlens check <file.ts>" };
  if (command !== "check") return { command: "error", message: `unknown command "${command}"` };
  if (files.length === 0) return { command: "error", message: "check needs a file: gradlens check <file.ts>" };
  if (files.length > 1) return { command: "error", message: `only one file can be checked (got "${files[0]}" and "${files[1]}")` };

  const chosen = new Set<OutputFormat>();
  if (values.format !== undefined) {
    if (!FORMATS.includes(values.format as OutputFormat)) {
      return { command: "error", message: `--format expects text, json or sarif, got "${values.format}"` };
    }
    chosen.add(values.format as OutputFormat);
  }
  if (values.json) chosen.add("json");
  if (values.sarif) chosen.add("sarif");
  if (chosen.size > 1) return { command: "error", message: `only one output format at a time (got ${[...chosen].join(" and ")})` };
  if (values.out === "") return { command: "error", message: "--out needs a file name" };
  if (values.python === "") return { command: "error", message: "--python needs an interpreter path" };

  try {
    const timeout = bounded("timeout", values.timeout, MAX_TIMEOUT_SECONDS, false);
    return {
      command: "check",
      file: files[0],
      format: [...chosen][0] ?? "text",
      out: values.out ?? null,
      steps: bounded("steps", values.steps, MAX_STEPS, true),
      // at least 1 ms: a tiny positive value must not round to 0 ("no limit" to some timers)
      timeoutMs: timeout === undefined ? undefined : Math.max(1, Math.round(timeout * 1000)),
      memoryMb: bounded("memory", values.memory, MAX_MEMORY_MB, true),
      python: values.python,
      scriptArgs,
    };
  } catch (e) {
    return { command: "error", message: (e as Error).message };
  }
}
