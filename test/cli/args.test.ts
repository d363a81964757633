import { describe, expect, it } from "vitest";
import { MAX_TIMEOUT_SECONDS, parseArgs } from "../../src/cli/args";

const defaults = {
  command: "check", file: "m.ts", format: "text", out: null, steps: undefined, timeoutMs: undefined, memoryMb: undefined, python: undefined, scriptArgs: [],
};

describe("parseArgs", () => {
  it("reads a check with every option", () => {
    expect(parseArgs(["check", "m.ts", "--sarif", "--out", "r.sarif", "--steps", "3", "--timeout", "2.5", "--memory", "512"])).toEqual({
      ...defaults, format: "sarif", out: "r.sarif", steps: 3, timeoutMs: 2500, memoryMb: 512,
    });
  });
  it("leaves what follows -- to the script, and reads --python", () => {
    expect(parseArgs(["check", "t.py", "--python", "/usr/bin/python3", "--", "--epochs", "3", "--json"])).toEqual({
      ...defaults, file: "t.py", python: "/usr/bin/python3", scriptArgs: ["--epochs", "3", "--json"],
    });
    expect(parseArgs(["check", "t.py", "--", "--help"])).toEqual({ ...defaults, file: "t.py", scriptArgs: ["--help"] });
  });
  it("accepts --name=value and --format", () => {
    expect(parseArgs(["check", "--steps=3", "m.ts", "--format=json", "--timeout=0.5"])).toEqual({ ...defaults, format: "json", steps: 3, timeoutMs: 500 });
    expect(parseArgs(["check", "m.ts", "--format", "sarif", "--sarif"])).toEqual({ ...defaults, format: "sarif" });
  });
  it("defaults to text output and runner defaults", () => {
    expect(parseArgs(["check", "m.ts"])).toEqual(defaults);
  });
  it("bounds --timeout to what a timer can hold (2^31 − 1 ms)", () => {
    expect(MAX_TIMEOUT_SECONDS).toBe(2_147_483);
    expect(parseArgs(["check", "m.ts", "--timeout", "2147483"])).toEqual({ ...defaults, timeoutMs: 2_147_483_000 });
    expect(parseArgs(["check", "m.ts", "--timeout", "2147484"])).toEqual({
      command: "error", message: '--timeout expects a positive number up to 2,147,483, got "2147484"',
    });
    expect(parseArgs(["check", "m.ts", "--timeout", "Infinity"])).toMatchObject({ command: "error" });
    expect(parseArgs(["check", "m.ts", "--timeout", "0.0001"])).toEqual({ ...defaults, timeoutMs: 1 });
  });
  it("explains what is wrong", () => {
    const error = (message: string) => ({ command: "error", message });
    expect(parseArgs(["check"])).toEqual(error("check needs a file: gradlens check <file.ts>"));
    expect(parseArgs(["check", "m.ts", "--json", "--sarif"])).toEqual(error("only one output format at a time (got json and sarif)"));
    expect(parseArgs(["check", "m.ts", "--format", "xml"])).toEqual(error('--format expects text, json or sarif, got "xml"'));
    expect(parseArgs(["check", "m.ts", "--steps", "1.5"])).toEqual(error('--steps expects a positive integer up to 1,000,000, got "1.5"'));
    expect(parseArgs(["check", "m.ts", "--steps", ""])).toEqual(error('--steps expects a positive integer up to 1,000,000, got ""'));
    expect(parseArgs(["check", "m.ts", "--memory", "0"])).toEqual(error('--memory expects a positive integer up to 1,048,576, got "0"'));
    expect(parseArgs(["check", "m.ts", "--timeout"])).toEqual(error("--timeout needs a value"));
    expect(parseArgs(["check", "m.ts", "--out", "--json"])).toEqual(error("--out needs a value"));
    expect(parseArgs(["check", "m.ts", "--json=yes"])).toEqual(error("--json takes no value"));
    expect(parseArgs(["check", "a.ts", "b.ts"])).toEqual(error('only one file can be checked (got "a.ts" and "b.ts")'));
    expect(parseArgs(["lint", "a.ts"])).toEqual(error('unknown command "lint"'));
    expect(parseArgs(["check", "a.ts", "--fast"])).toEqual(error('unknown option "--fast"'));
    expect(parseArgs(["--steps", "3"])).toEqual(error("no command: gradlens check <file.ts>"));
  });
  it("tells a bare call (usage, exit 3) from --help and --version", () => {
    expect(parseArgs([])).toEqual({ command: "usage" });
    expect(parseArgs(["check", "--help"])).toEqual({ command: "help" });
    expect(parseArgs(["-h"])).toEqual({ command: "help" });
    expect(parseArgs(["--version"])).toEqual({ command: "version" });
  });
});
