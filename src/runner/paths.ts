import { isAbsolute, relative, sep } from "node:path";

/**
 * How a file is named in sites and messages: relative to `cwd` when the checked file was given as a
 * relative path (as `gradlens check examples/gan.ts` prints), absolute when it was given absolute
 * (as the extension does). Always with forward slashes.
 */
export function displayPathFor(fileAsGiven: string, cwd: string): (absolute: string) => string {
  if (isAbsolute(fileAsGiven)) return (abs) => abs.split(sep).join("/");
  return (abs) => {
    const rel = relative(cwd, abs);
    return (rel.startsWith("..") || isAbsolute(rel) ? abs : rel).split(sep).join("/");
  };
}
