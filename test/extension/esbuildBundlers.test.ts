// The bundlers a .vsix ships (src/extension/tools/vendorEsbuild*.mjs) as the extension's shim loads
// them (src/extension/host/esbuildShim.ts): the per-platform package's native esbuild and the
// universal package's esbuild-wasm are the same esbuild version, so they must bundle a model alike.
import { chmodSync, mkdtempSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type * as Esbuild from "esbuild";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { esbuildKind, loadEsbuild } from "../../src/extension/host/esbuildShim";
import { binaryName, hostTarget, packageOfTarget } from "../../src/extension/tools/vendorEsbuildNative.mjs";
import { vendorEsbuildNative } from "../../src/extension/tools/vendorEsbuildNative.mjs";
import { vendorEsbuildWasm } from "../../src/extension/tools/vendorEsbuildWasm.mjs";
import { targetOf } from "../../src/extension/tools/packageVsix.mjs";

const dir = mkdtempSync(join(tmpdir(), "gradlens-bundlers-"));
const nativeDist = join(dir, "native"), wasmDist = join(dir, "wasm");
const model = join(dir, "model.ts");
const loaded: Array<typeof Esbuild> = [];

beforeAll(async () => {
  writeFileSync(model, 'import { helper } from "./helper";\nconst n: number = helper(2);\nconsole.log(n satisfies number);\n');
  writeFileSync(join(dir, "helper.ts"), "export function helper(x: number): number { return x * 21; }\n");
  await vendorEsbuildNative(hostTarget()!, join(nativeDist, "esbuild-native"));
  await vendorEsbuildWasm(join(wasmDist, "esbuild-wasm"));
}, 120_000);

afterAll(async () => {
  await Promise.all(loaded.map((e) => e.stop()));
  rmSync(dir, { recursive: true, force: true });
});

async function bundle(dist: string): Promise<string> {
  const esbuild = loadEsbuild(dist);
  loaded.push(esbuild);
  const result = await esbuild.build({ entryPoints: [model], bundle: true, write: false, format: "esm", platform: "node", logLevel: "silent" });
  return result.outputFiles[0]!.text;
}

describe("the bundler a .vsix ships", () => {
  it("the shim picks the native binary when the package has one, else esbuild-wasm", () => {
    expect(esbuildKind(nativeDist)).toBe("native");
    expect(esbuildKind(wasmDist)).toBe("wasm");
    expect(esbuildKind(dir)).toBeNull();
  });

  it("native esbuild and esbuild-wasm bundle a model into the same code", async () => {
    const [native, wasm] = await Promise.all([bundle(nativeDist), bundle(wasmDist)]);
    expect(native).toContain("return x * 21;");
    expect(native).toContain("var n = helper(2);\nconsole.log(n);");
    expect(native).not.toContain("satisfies");
    expect(wasm).toBe(native);
  }, 120_000);

  it("runs its own binary whatever ESBUILD_BINARY_PATH says, and gives it back a lost executable bit", async () => {
    const dist = join(dir, "unpacked");
    await vendorEsbuildNative(hostTarget()!, join(dist, "esbuild-native"));
    const binary = join(dist, "esbuild-native", "bin", "esbuild");
    chmodSync(binary, 0o644);
    const saved = process.env.ESBUILD_BINARY_PATH;
    process.env.ESBUILD_BINARY_PATH = join(dir, "no-such-esbuild");
    try {
      expect(await bundle(dist)).toContain("return x * 21;");
    } finally {
      if (saved === undefined) delete process.env.ESBUILD_BINARY_PATH;
      else process.env.ESBUILD_BINARY_PATH = saved;
    }
    expect(statSync(binary).mode & 0o111).toBe(0o111);
  }, 60_000);
});

describe("per-platform packages", () => {
  it("map vsce's targets to npm's @esbuild packages", () => {
    expect(packageOfTarget("linux-x64")).toBe("@esbuild/linux-x64");
    expect(packageOfTarget("alpine-arm64")).toBe("@esbuild/linux-arm64");
    expect(packageOfTarget("linux-armhf")).toBe("@esbuild/linux-arm");
    expect(packageOfTarget("darwin-arm64")).toBe("@esbuild/darwin-arm64");
    expect(binaryName("win32-x64")).toBe("esbuild.exe");
    expect(binaryName("darwin-x64")).toBe("bin/esbuild");
    expect(() => packageOfTarget("web")).toThrow(/no native esbuild for the target "web" \(known: win32-x64, .*darwin-arm64\)/);
  });

  it("know this machine's target", () => {
    expect(hostTarget("linux", "x64")).toBe("linux-x64");
    expect(hostTarget("linux", "arm")).toBe("linux-armhf");
    expect(hostTarget("win32", "arm64")).toBe("win32-arm64");
    expect(hostTarget("sunos", "x64")).toBeUndefined();
  });

  it("read the target from vsce's arguments", () => {
    expect(targetOf(["-o", "x.vsix", "--target", "linux-x64"])).toBe("linux-x64");
    expect(targetOf(["--target=darwin-arm64"])).toBe("darwin-arm64");
    expect(targetOf(["-t", "win32-x64"])).toBe("win32-x64");
    expect(targetOf(["-o", "x.vsix"])).toBeUndefined();
  });
});
