import { defineConfig } from "vitest/config";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("..", import.meta.url));

// Two projects: every test with the wasm kernels forced for all matmul shapes, and the engine's
// op tests once more with the JS kernels (the kernel tests switch backends themselves).
export default defineConfig({
  root,
  resolve: { alias: { gradlens: `${root}src/engine/index.ts` } },
  test: {
    testTimeout: 20000,
    projects: [
      {
        extends: true,
        test: {
          name: "wasm-kernels",
          include: ["test/**/*.test.ts"],
          exclude: ["test/e2e/**", "node_modules/**"],
          setupFiles: ["test/setup/kernelsWasm.ts"],
        },
      },
      {
        extends: true,
        test: {
          name: "js-kernels",
          include: ["test/engine/**/*.test.ts"],
          exclude: ["test/engine/kernels/**", "node_modules/**"],
          setupFiles: ["test/setup/kernelsJs.ts"],
        },
      },
    ],
  },
});
