import { beforeAll, describe, expect, it } from "vitest";
import { copyFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { runCheck } from "../../src/runner/check";
import { sourcePath } from "../../src/runner/sourceMap";
import { toSarif } from "../../src/cli/formatSarif";
import { repoRoot, useBuiltWorker } from "./buildDist";

// File names with non-ASCII letters, "#", "%" and spaces: sites name the file as it is on disk
// (decoded once, in sourceMap.ts), and SARIF URIs encode it back so they point at that file.

const NAME = "mödel #1 %.ts";
const worker = useBuiltWorker("paths");

beforeAll(() => copyFileSync(join(repoRoot, "examples/branch-detach.ts"), join(worker.dir, NAME)));

describe("site paths", () => {
  it("decodes a source map's URL reference into the file's own name", () => {
    expect(sourcePath("m%C3%B6del%20%231%20%25.ts", "/tmp/w")).toBe("/tmp/w/mödel #1 %.ts");
    expect(sourcePath("../lib/a%2Bb.ts", "/tmp/w")).toBe("/tmp/lib/a+b.ts");
  });

  it("every site of a check names the file as given, relative or absolute", async () => {
    for (const given of [NAME, join(worker.dir, NAME)]) {
      const report = await runCheck(given, { workerPath: worker.workerPath, cwd: worker.dir });
      expect(report.error).toBeNull();
      const files = new Set([...report.parameters.map((p) => p.site?.file), ...report.findings.map((f) => f.file)]);
      expect(report.findings.length).toBeGreaterThan(0);
      expect([...files]).toEqual([given]);
    }
  });

  it("SARIF URIs are valid references to that file", async () => {
    const relative = toSarif(await runCheck(NAME, { workerPath: worker.workerPath, cwd: worker.dir }), "0.0.0");
    const absolute = toSarif(await runCheck(join(worker.dir, NAME), { workerPath: worker.workerPath, cwd: worker.dir }), "0.0.0");
    const uris = (s: ReturnType<typeof toSarif>) =>
      new Set(s.runs[0]!.results.flatMap((r: { locations: Array<{ physicalLocation: { artifactLocation: { uri: string } } }> }) => r.locations.map((l) => l.physicalLocation.artifactLocation.uri)));
    expect([...uris(relative)]).toEqual(["m%C3%B6del%20%231%20%25.ts"]);
    const [abs] = [...uris(absolute)];
    expect(fileURLToPath(abs!)).toBe(join(worker.dir, NAME));
    expect(new URL(abs!).hash).toBe("");
  });
});
