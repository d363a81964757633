import { writeFileSync } from "node:fs";
import { isAnalysisFailure, runCheck } from "../runner/check";
import { CLI_LIMIT_NAMES } from "../runner/limits";
import { InstallError } from "../runner/run";
import { parseArgs, USAGE, type CheckArgs } from "./args";
import { EXIT, exitCodeFor, type ExitCode } from "./exitCode";
import { formatText } from "./formatText";
import { formatJson } from "./formatJson";
import { formatSarif } from "./formatSarif";
import { oneLine } from "./plainText";
import { preflight } from "./preflight";
import packageJson from "../../package.json";

// `gradlens` command line: parse, run the check, print (or write) one format, exit with its code.
// stdout carries the document only; every message of GradLens's own goes to stderr as one line.

/** A failure of GradLens or of its use (exit 3), as opposed to a model that could not run (exit 2). */
class UsageError extends Error {}

async function check(args: CheckArgs): Promise<ExitCode> {
  const problem = preflight(args.file, args.out, process.cwd());
  if (problem !== null) throw new UsageError(problem);
  const controller = new AbortController();
  const onSignal = () => controller.abort();
  process.once("SIGINT", onSignal);
  process.once("SIGTERM", onSignal);
  try {
    // python/scriptArgs: for .py files, read by the PyTorch backend's runner
    const options = {
      steps: args.steps,
      timeoutMs: args.timeoutMs,
      memoryMb: args.memoryMb,
      limitNames: CLI_LIMIT_NAMES, // a limit stop names the option that sets it
      python: args.python,
      scriptArgs: args.scriptArgs,
      signal: controller.signal,
      keepWarm: false, // one check per process: no spare child to start
    };
    const report = await runCheck(args.file, options);
    const text =
      args.format === "json" ? formatJson(report) : args.format === "sarif" ? formatSarif(report, packageJson.version) : formatText(report);
    if (args.out === null) process.stdout.write(text);
    else {
      try {
        writeFileSync(args.out, text);
      } catch (e) {
        throw new UsageError(`cannot write --out ${args.out}: ${(e as Error).message}`);
      }
    }
    if (isAnalysisFailure(report)) {
      // the document says what ran; the exit code says whose failure it is
      process.stderr.write(`gradlens: internal error: ${oneLine(report.error?.message ?? "")}\n`);
      return EXIT.toolFailed;
    }
    return exitCodeFor(report);
  } finally {
    process.off("SIGINT", onSignal);
    process.off("SIGTERM", onSignal);
  }
}

async function main(argv: string[]): Promise<ExitCode> {
  const args = parseArgs(argv);
  switch (args.command) {
    case "help":
      process.stdout.write(USAGE + "\n");
      return EXIT.clean;
    case "usage":
      process.stderr.write(USAGE + "\n");
      return EXIT.toolFailed;
    case "version":
      process.stdout.write(`${packageJson.version}\n`);
      return EXIT.clean;
    case "error":
      throw new UsageError(`${args.message} (gradlens --help shows the options)`);
    case "check":
      return check(args);
  }
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (e) => {
    // a usage error or a broken install needs no stack (the message says what to do); anything else is a GradLens bug
    const plain = e instanceof UsageError || e instanceof InstallError;
    const text = plain ? e.message : `internal error: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`;
    process.stderr.write(`gradlens: ${plain ? oneLine(text) : text}\n`);
    process.exitCode = EXIT.toolFailed;
  },
);
