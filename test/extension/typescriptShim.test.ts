// dist/extension.js loads TypeScript's compiler at the static scan's first use, not with the bundle
// (host/typescriptShim.cjs, aliased by buildHostBundle): the scan through the built bundle must find
// what it finds here, and requiring the bundle must not load the compiler.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { scanSource } from "../../src/static/index";
// @ts-expect-error a build script without types
import { buildHostBundle } from "../../src/extension/tools/buildExtension.mjs";

const dir = mkdtempSync(join(tmpdir(), "gradlens-tsshim-"));
const entry = join(dir, "entry.ts");
const out = join(dir, "bundle.js");

beforeAll(async () => {
  // the bundle's own copy of the scan, and whether its TypeScript was loaded yet
  writeFileSync(entry, [
    `import { scanSource } from ${JSON.stringify(join(__dirname, "../../src/static/index"))};`,
    `import ts from "typescript";`,
    `const loaded = () => (ts as any)[Symbol.for("gradlens.typescriptLoaded")] as boolean;`,
    `export const loadedAtStart = loaded();`,
    `export { loaded };`,
    `export { scanSource };`,
    `export const version = () => ts.version;`,
  ].join("\n"));
  await (buildHostBundle as (entry: string, outfile: string, options?: object) => Promise<void>)(entry, out, { minify: true, keepNames: true });
}, 120_000);

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("TypeScript loaded lazily in the extension's bundle", () => {
  it("scans a model as the unbundled scan does, with the compiler loaded at that first use", () => {
    const bundle = createRequire(out)(out) as { loadedAtStart: boolean; loaded(): boolean; scanSource: typeof scanSource; version(): string };
    expect(bundle.loadedAtStart).toBe(false);
    const file = join(__dirname, "../../examples/branch-detach.ts");
    const text = readFileSync(file, "utf8");
    const sites = (scan: ReturnType<typeof scanSource>) => scan.sites.map((s) => `${s.kind}@${s.line}:${s.column}`);
    const bundled = bundle.scanSource(text, file);
    expect(bundle.loaded()).toBe(true);
    expect(sites(bundled)).toEqual(sites(scanSource(text, file)));
    expect(sites(bundled).length).toBeGreaterThan(2);
    expect(bundle.version()).toMatch(/^5\./);
  });
});
