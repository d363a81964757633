import { describe, expect, it } from "vitest";
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { chooseInterpreter } from "../../../src/runner/python/interpreter";

describe("chooseInterpreter: --python, else GRADLENS_PYTHON, else python3 / python on PATH", () => {
  const dir = mkdtempSync(join(tmpdir(), "gradlens-interp-"));
  const a = join(dir, "a"), b = join(dir, "b");
  for (const [d, names] of [[a, ["python"]], [b, ["python3", "python"]]] as const) {
    mkdirSync(d);
    for (const n of names) {
      writeFileSync(join(d, n), "#!/bin/sh\n");
      chmodSync(join(d, n), 0o755);
    }
  }

  it("prefers the explicit choice, then the environment variable", () => {
    expect(chooseInterpreter("/opt/py/bin/python", { GRADLENS_PYTHON: "/x", PATH: b })).toEqual({ command: "/opt/py/bin/python", source: "option" });
    expect(chooseInterpreter(undefined, { GRADLENS_PYTHON: "/x", PATH: b })).toEqual({ command: "/x", source: "GRADLENS_PYTHON" });
  });

  it("takes python3 from anywhere on PATH before python", () => {
    expect(chooseInterpreter(undefined, { PATH: `${a}:${b}` })).toEqual({ command: join(b, "python3"), source: "PATH" });
    expect(chooseInterpreter(undefined, { PATH: a })).toEqual({ command: join(a, "python"), source: "PATH" });
    expect(chooseInterpreter(undefined, { PATH: join(dir, "none") })).toBeNull();
    rmSync(dir, { recursive: true, force: true });
  });
});
