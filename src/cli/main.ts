import { writeFileSync } from "node:fs";
import { runCheck } from "../runner/check";
import { parseArgs, USAGE, type CheckArgs } from "./args";
import { exitCodeFor } from "./exitCode";
import { formatText } from "./formatText";
import { formatJson } from "./formatJson";
import { formatSarif } from "./formatSarif";
import packageJson from "../../package.json";

// `gradlens` command line: parse, run the check, print (or write) one format, exit with its code.

async function check(args: CheckArgs): Promise<number> {
  const controller = new AbortController();
  const onSignal = () => controller.abort();
  process.once("SIGINT", onSignal);
  process.once("SIGTERM", onSignal);
  const report = await runCheck(args.file, {
    steps: args.steps,
    timeoutMs: args.timeoutMs,
    memoryMb: args.memoryMb,
    python: args.python,
    scriptArgs: args.scriptArgs,
    signal: controller.signal,
    keepWarm: false, // one check per process: no spare child to start
  });
  process.off("SIGINT", onSignal);
  process.off("SIGTERM", onSignal);
  const text =
    args.format === "json" ? formatJson(report) : args.format === "sarif" ? formatSarif(report, packageJson.version) : formatText(report);
  if (args.out !== null) writeFileSync(args.out, text);
  else process.stdout.write(text);
  return exitCodeFor(report);
}

async function main(argv: string[]): Promise<number> {
  const args = parseArgs(argv);
  switch (args.command) {
    case "help":
      process.stdout.write(USAGE + "\n");
      return 0;
    case "version":
      process.stdout.write(`${packageJson.version}\n`);
      return 0;
    case "error":
      process.stderr.write(`gradlens: ${args.message}\n\n${USAGE}\n`);
      return 2;
    case "check":
      return check(args);
  }
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (e) => {
    process.stderr.write(`gradlens: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
    process.exitCode = 2;
  },
);
