import { describe, expect, it } from "vitest";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { extensionManifest } from "../../src/extension/tools/packageVsix.mjs";

// One package.json, two products: npm's entry points are the engine, the .vsix's manifest the extension.

const pkg = JSON.parse(readFileSync(fileURLToPath(new URL("../../package.json", import.meta.url)), "utf8"));

describe("package.json for npm and for the .vsix", () => {
  it("gives npm the engine: main, types and exports (types first, import and require)", () => {
    expect(pkg.main).toBe("./dist/engine/index.cjs");
    expect(pkg.types).toBe("./dist/types/gradlens/index.d.ts");
    expect(pkg.exports["."]).toEqual({
      types: "./dist/types/gradlens/index.d.ts",
      import: "./dist/engine/index.mjs",
      require: "./dist/engine/index.cjs",
    });
    expect(pkg.bin).toEqual({ gradlens: "./dist/cli.js" });
    expect(Object.keys(pkg.dependencies)).toContain("esbuild");
  });
  it("gives the .vsix the extension as main, without npm's entry points and scripts", () => {
    const manifest = extensionManifest(pkg);
    expect(manifest.main).toBe("./dist/extension.js");
    for (const key of ["types", "exports", "bin", "files", "scripts", "dependencies", "devDependencies"]) expect(manifest).not.toHaveProperty(key);
    expect(manifest).toMatchObject({ name: pkg.name, version: pkg.version, publisher: pkg.publisher, contributes: pkg.contributes });
    expect(extensionManifest(pkg, { "gradlens-ts-plugin": "1.0.0" }).dependencies).toEqual({ "gradlens-ts-plugin": "1.0.0" });
  });
  it("names no placeholder host", () => {
    expect(JSON.stringify(pkg)).not.toMatch(/example\.(invalid|com|org)/);
  });
});
