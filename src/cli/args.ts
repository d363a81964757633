// `gradlens check <file.ts> [--json | --sarif] [--out FILE] [--steps N] [--timeout SECONDS] [--memory MB]`

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

export type ParsedArgs = CheckArgs | { command: "help" } | { command: "version" } | { command: "error"; message: string };

export const USAGE = `Usage: gradlens check <file.ts | file.py> [options] [-- script arguments]

Runs the model file (a .ts/.js file in the bundled engine, a .py PyTorch script in your Python),
traces its gradient flow, and reports for every parameter whether it got a gradient and was
updated, and if not, what cut it, at which line.

Options:
  --json              print the Report as JSON
  --sarif             print SARIF 2.1.0
  --out FILE          write the output to FILE instead of stdout
  --steps N           training iterations to check before stopping (default 1)
  --timeout SECONDS   wall-clock limit for the run (default 10)
  --memory MB         memory limit for the run (default 1024)
  --python PATH       .py files: the Python to run (default: $GRADLENS_PYTHON, else python3/python on PATH)
  -- ARGS...          .py files: arguments for the script (its sys.argv[1:])
  -h, --help          show this help
  -v, --version       show the version

Exit code: 0 clean, 1 a finding at error level, 2 the file could not run.`;

function positiveNumber(flag: string, value: string | undefined, integer: boolean): number | string {
  if (value === undefined || value.startsWith("--")) return `${flag} needs a value`;
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0 || (integer && !Number.isInteger(n))) {
    return `${flag} expects a positive ${integer ? "integer" : "number"}, got "${value}"`;
  }
  return n;
}

export function parseArgs(argv: readonly string[]): ParsedArgs {
  // what follows `--` belongs to the checked script, not to gradlens
  const own = argv.includes("--") ? argv.slice(0, argv.indexOf("--")) : argv;
  if (argv.length === 0 || own.includes("-h") || own.includes("--help")) return { command: "help" };
  if (own.includes("-v") || own.includes("--version")) return { command: "version" };
  const [command, ...rest] = argv;
  if (command !== "check") return { command: "error", message: `unknown command "${command}"` };
  const out: CheckArgs = { command: "check", file: "", format: "text", out: null, steps: undefined, timeoutMs: undefined, memoryMb: undefined, python: undefined, scriptArgs: [] };
  for (let i = 0; i < rest.length; i++) {
    const a = rest[i];
    const numeric = (integer: boolean): number | null => {
      const v = positiveNumber(a, rest[++i], integer);
      if (typeof v === "string") throw new Error(v);
      return v;
    };
    try {
      switch (a) {
        case "--json":
        case "--sarif": {
          const format = a === "--json" ? "json" : "sarif";
          if (out.format !== "text" && out.format !== format) return { command: "error", message: "--json and --sarif cannot be combined" };
          out.format = format;
          break;
        }
        case "--out":
          if (rest[i + 1] === undefined) return { command: "error", message: "--out needs a file name" };
          out.out = rest[++i];
          break;
        case "--steps":
          out.steps = numeric(true)!;
          break;
        case "--timeout":
          out.timeoutMs = Math.round(numeric(false)! * 1000);
          break;
        case "--memory":
          out.memoryMb = numeric(true)!;
          break;
        case "--python":
          if (rest[i + 1] === undefined) return { command: "error", message: "--python needs an interpreter path" };
          out.python = rest[++i];
          break;
        case "--":
          out.scriptArgs = rest.slice(i + 1);
          i = rest.length;
          break;
        default:
          if (a.startsWith("-")) return { command: "error", message: `unknown option "${a}"` };
          if (out.file !== "") return { command: "error", message: `only one file can be checked (got "${out.file}" and "${a}")` };
          out.file = a;
      }
    } catch (e) {
      return { command: "error", message: (e as Error).message };
    }
  }
  if (out.file === "") return { command: "error", message: "check needs a file: gradlens check <file.ts>" };
  return out;
}
