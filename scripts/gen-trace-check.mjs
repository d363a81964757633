// Writes src/trace/traceCheck.generated.ts from TraceSchema (see src/trace/traceCheckSource.ts). Run it
// after changing src/trace/schema.ts: `node scripts/gen-trace-check.mjs` (test/trace/traceCheck.test.ts fails until then).
import { build } from "esbuild";
import { writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { dirname, join } from "node:path";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const out = await build({
  stdin: { contents: 'export { traceCheckSource, GENERATED_PATH } from "./src/trace/traceCheckSource";', resolveDir: root, loader: "ts" },
  bundle: true, platform: "node", format: "esm", write: false, logLevel: "warning",
});
const { traceCheckSource, GENERATED_PATH } = await import(`data:text/javascript;base64,${Buffer.from(out.outputFiles[0].text).toString("base64")}`);
writeFileSync(join(root, GENERATED_PATH), traceCheckSource());
console.log(`wrote ${GENERATED_PATH}`);
