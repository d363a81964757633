import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { GEMM_RELAXED_BASE64, GEMM_SIMD_BASE64 } from "../../../src/engine/kernels/wasm/kernels.generated";
import { decodeBase64 } from "../../../src/engine/kernels/wasm/loader";

const root = fileURLToPath(new URL("../../../", import.meta.url));

describe("generated wasm module", () => {
  it("is up to date with the AssemblyScript source (deterministic rebuild)", () => {
    const dir = mkdtempSync(join(tmpdir(), "gradlens-wasm-"));
    try {
      const out = join(dir, "kernels.generated.ts");
      execFileSync(process.execPath, [join(root, "scripts/build-wasm.mjs"), "--out", out], {
        cwd: root,
        stdio: "pipe",
      });
      const committed = readFileSync(join(root, "src/engine/kernels/wasm/kernels.generated.ts"), "utf8");
      const rebuilt = readFileSync(out, "utf8");
      if (rebuilt !== committed) {
        expect.fail("src/engine/kernels/wasm/kernels.generated.ts is stale: run `node scripts/build-wasm.mjs` and commit");
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 120_000);

  it("decodes to wasm modules (with and without atob)", () => {
    for (const b64 of [GEMM_SIMD_BASE64, GEMM_RELAXED_BASE64]) {
      const bytes = decodeBase64(b64);
      expect(Array.from(bytes.subarray(0, 4))).toEqual([0, 0x61, 0x73, 0x6d]);
      const g = globalThis as { atob?: unknown };
      const saved = g.atob;
      try {
        g.atob = undefined;
        expect(decodeBase64(b64)).toEqual(bytes);
      } finally {
        g.atob = saved;
      }
    }
    expect(WebAssembly.validate(decodeBase64(GEMM_SIMD_BASE64))).toBe(true);
  });
});
