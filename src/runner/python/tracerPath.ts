import { existsSync } from "node:fs";
import { join } from "node:path";

// The Python tracer ships as a plain file: next to the bundle (dist/, the .vsix) or, when running
// from source (tests), next to this module.

export const TRACER_FILE_NAME = "gradlens_tracer.py";

export function defaultTracerPath(): string {
  const here = typeof __dirname === "string" ? __dirname : join(process.cwd(), "dist");
  const candidates = [join(here, TRACER_FILE_NAME), join(here, "..", "src", "runner", "python", TRACER_FILE_NAME)];
  return candidates.find((c) => existsSync(c)) ?? candidates[0];
}
