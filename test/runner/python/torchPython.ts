import { spawnSync } from "node:child_process";

// The tests' Python with torch: GRADLENS_PYTHON when set, else the first candidate that imports
// torch (Debian's /usr/bin/python3 in CI; `python3` on PATH may be another Python without torch).

const CANDIDATES = ["/usr/bin/python3", "python3", "python"];

function hasTorch(python: string): boolean {
  const r = spawnSync(python, ["-c", "import torch"], { stdio: "ignore", timeout: 60_000 });
  return r.status === 0;
}

export const torchPython: string | null = (() => {
  const given = process.env.GRADLENS_PYTHON;
  if (given !== undefined && given !== "") return given;
  return CANDIDATES.find(hasTorch) ?? null;
})();

/** Message for a run where no Python with torch exists (locally only: CI installs python3-torch). */
export const NO_TORCH = "no Python with torch found (tried GRADLENS_PYTHON, /usr/bin/python3, python3, python): install python3-torch";
