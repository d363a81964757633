import { describe, expect, it } from "vitest";
import { parseArgs } from "../../src/cli/args";

describe("parseArgs", () => {
  it("reads a check with every option", () => {
    expect(parseArgs(["check", "m.ts", "--sarif", "--out", "r.sarif", "--steps", "3", "--timeout", "2.5", "--memory", "512"])).toEqual({
      command: "check", file: "m.ts", format: "sarif", out: "r.sarif", steps: 3, timeoutMs: 2500, memoryMb: 512,
      python: undefined, scriptArgs: [],
    });
  });
  it("defaults to text output and runner defaults", () => {
    expect(parseArgs(["check", "m.ts"])).toEqual({
      command: "check", file: "m.ts", format: "text", out: null, steps: undefined, timeoutMs: undefined, memoryMb: undefined,
      python: undefined, scriptArgs: [],
    });
  });
  it("explains what is wrong", () => {
    expect(parseArgs(["check"])).toEqual({ command: "error", message: "check needs a file: gradlens check <file.ts>" });
    expect(parseArgs(["check", "m.ts", "--json", "--sarif"])).toEqual({ command: "error", message: "--json and --sarif cannot be combined" });
    expect(parseArgs(["check", "m.ts", "--steps", "1.5"])).toEqual({ command: "error", message: '--steps expects a positive integer, got "1.5"' });
    expect(parseArgs(["check", "m.ts", "--timeout"])).toEqual({ command: "error", message: "--timeout needs a value" });
    expect(parseArgs(["check", "a.ts", "b.ts"])).toEqual({ command: "error", message: 'only one file can be checked (got "a.ts" and "b.ts")' });
    expect(parseArgs(["lint", "a.ts"])).toEqual({ command: "error", message: 'unknown command "lint"' });
    expect(parseArgs(["check", "a.ts", "--fast"])).toEqual({ command: "error", message: 'unknown option "--fast"' });
  });
  it("reads a .py check: the interpreter, and everything after -- as the script's arguments", () => {
    expect(parseArgs(["check", "train.py", "--python", "/usr/bin/python3", "--", "--epochs", "1", "--help"])).toMatchObject({
      command: "check", file: "train.py", python: "/usr/bin/python3", scriptArgs: ["--epochs", "1", "--help"],
    });
    expect(parseArgs(["check", "train.py", "--python"])).toEqual({ command: "error", message: "--python needs an interpreter path" });
  });
  it("recognises help and version", () => {
    expect(parseArgs([])).toEqual({ command: "help" });
    expect(parseArgs(["check", "--help"])).toEqual({ command: "help" });
    expect(parseArgs(["--version"])).toEqual({ command: "version" });
  });
});
