// `npm run bench`: every performance target of GradLens measured in one process, against
// TensorFlow.js 4.22 (cpu and wasm backends) where there is a peer, and PyTorch + OpenBLAS (a Python
// process, see torch.bench.ts) for the training steps, printed as one Markdown table: name, value,
// unit, target, how many times faster GradLens is than each tfjs backend, how many times PyTorch's
// time GradLens takes (1 and 2 threads), ✓/✗.
//
//   node dist/bench.js [--no-browser] [--only=steps,kernels,trace,check,models,static,python,layout] [--write-docs]
//
// Run from the repository root (the examples, the CLI build and the tfjs wasm files are found from
// there). --no-browser skips the graph-layout benchmark (it drives Chromium). --write-docs writes
// the table and the machine it ran on to docs/benchmarks.md.
import "./relaxedSimd"; // the FMA GEMM on Node 20 too, as checks run it (their child gets the flag from run.ts childV8Flags)
import { execFileSync } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import { availableParallelism, cpus, loadavg } from "node:os";
import { getWasmVariant, isWasmAvailable } from "../../src/engine/kernels/matmul";
import { benchKernels, withHelperThread } from "./kernels.bench";
import { benchCnnStep, benchMlpStep, benchTracedMlpStep, gradlensMlpStep, timeStepWithCpu, type Peer, type StepTimes } from "./steps.bench";
import { benchTrace } from "./trace.bench";
import { benchLargeAnalysis, benchWarmCheck } from "./check.bench";
import { benchModelChecks } from "./modelCheck.bench";
import { benchStaticScan } from "./staticScan.bench";
import { benchPython } from "./python.bench";

const SPEEDUP_PEERS: Peer[] = ["tfjs-cpu", "tfjs-wasm"];
/** PyTorch is the faster peer: its columns say how many times its time GradLens takes */
const SLOWDOWN_PEERS: Peer[] = ["pytorch", "pytorch-2t"];

export interface Row {
  name: string;
  value: number;
  unit: string;
  target: string;
  /** the peers' values in the same unit */
  peers?: Partial<Record<Peer, number>>;
  /** GFLOP/s rows: a higher value is better (ratios are ours / peer, else peer / ours) */
  higherIsBetter?: boolean;
  /** explicit verdict; otherwise the target's leading comparison (≥ 40, < 1.5×, ...) decides */
  pass?: boolean | null;
}

/** How many times better GradLens is than the peer (> 1: GradLens faster). */
export function ratioOf(row: Row, peer: Peer): number | null {
  const p = row.peers?.[peer];
  if (p === undefined || !Number.isFinite(p) || !Number.isFinite(row.value) || row.value <= 0 || p <= 0) return null;
  return row.higherIsBetter ? row.value / p : p / row.value;
}

/** ✓/✗ from a target written as a comparison ("≥ 40 GFLOP/s", "< 1.5×", "≤ 20 ms"); null if none. */
export function verdict(row: Row): boolean | null {
  if (row.pass !== undefined) return row.pass;
  if (!Number.isFinite(row.value)) return null;
  const m = /^\s*(≥|>=|>|≤|<=|<)\s*([\d.]+)/.exec(row.target);
  if (!m) return null;
  const bound = Number(m[2]);
  switch (m[1]) {
    case "≥":
    case ">=":
      return row.value >= bound;
    case ">":
      return row.value > bound;
    case "≤":
    case "<=":
      return row.value <= bound;
    default:
      return row.value < bound;
  }
}

const fmt = (v: number, digits = 2): string => (Number.isFinite(v) ? String(Number(v.toFixed(digits))) : "–");

export function formatTable(rows: readonly Row[]): string {
  const head = ["benchmark", "value", "unit", "target", "vs tfjs cpu", "vs tfjs wasm", "÷ PyTorch 1 thread", "÷ PyTorch 2 threads", ""];
  const lines = [`| ${head.join(" | ")} |`, `|${head.map((_, i) => (i === 1 || (i >= 4 && i <= 7) ? " ---: " : " --- ")).join("|")}|`];
  const cell = (x: number | null) => (x === null ? "" : `${fmt(x, x < 10 ? 2 : 1)}×`);
  for (const r of rows) {
    const ratios = [
      ...SPEEDUP_PEERS.map((p) => cell(ratioOf(r, p))),
      ...SLOWDOWN_PEERS.map((p) => {
        const x = ratioOf(r, p);
        return cell(x === null ? null : 1 / x);
      }),
    ];
    const v = verdict(r);
    const mark = v === null ? "" : v ? "✓" : "✗";
    const cells = [r.name, fmt(r.value, 3), r.unit, r.target, ...ratios, mark].map((c) => c.replace(/\|/g, "\\|"));
    lines.push(`| ${cells.join(" | ")} |`);
  }
  return lines.join("\n");
}

/** `need`: the least ratio (peer time / ours) per peer; for PyTorch, 1 / the largest allowed slowdown. */
function stepRows(name: string, t: StepTimes, target: string, need: Partial<Record<Peer, number>>, maxMs?: number): Row[] {
  const row: Row = { name, value: t.gradlens, unit: "ms", target, peers: t.peers };
  const checks: boolean[] = [];
  if (maxMs !== undefined) checks.push(t.gradlens <= maxMs);
  for (const [peer, min] of Object.entries(need) as Array<[Peer, number]>) {
    const r = ratioOf(row, peer);
    if (r !== null) checks.push(r >= min);
  }
  row.pass = checks.length > 0 ? checks.every(Boolean) : null;
  const rows = [row];
  if (t.cpu !== undefined) {
    // information, not the verdict: CPU time shrinks what other processes' load does to wall time
    const vs = t.cpu.pytorch !== undefined ? `, PyTorch 1 thread ${fmt(t.cpu.pytorch)} ms: ${fmt(t.cpu.gradlens / t.cpu.pytorch)}× its CPU time` : "";
    rows.push({ name: `  note: CPU time per step (less sensitive to load): GradLens ${fmt(t.cpu.gradlens)} ms${vs}`, value: Number.NaN, unit: "", target: "", pass: null });
  }
  for (const note of t.notes) rows.push({ name: `  note: ${note}`, value: Number.NaN, unit: "", target: "", pass: null });
  return rows;
}

/** The kernel benchmark's rows, with the tfjs matmul rows folded into peer columns. */
function kernelRows(raw: Array<{ name: string; value: number; unit: string; target: string }>): Row[] {
  const tf = new Map<string, number>();
  for (const r of raw) {
    const m = /^tfjs (cpu|wasm) f32 512³ (NN|TN|NT|TT)/.exec(r.name);
    if (m) tf.set(`${m[1]} ${m[2]}`, r.value);
  }
  const rows: Row[] = [];
  for (const r of raw) {
    if (/^tfjs (cpu|wasm) f32 512³/.test(r.name) || /speed ratio/.test(r.name)) continue;
    const m = /^gradlens matmul wasm-\S+ f32 512³ (NN|TN|NT|TT)$/.exec(r.name);
    const row: Row = { ...r, higherIsBetter: r.unit === "GFLOP/s" };
    if (m) {
      const peers: Partial<Record<Peer, number>> = {};
      const cpu = tf.get(`cpu ${m[1]}`), wasm = tf.get(`wasm ${m[1]}`);
      if (cpu !== undefined) peers["tfjs-cpu"] = cpu;
      if (wasm !== undefined) peers["tfjs-wasm"] = wasm;
      row.peers = peers;
    }
    if (/^(info|fallback|peer|whole step)/.test(r.target)) row.pass = null;
    if (/^gradlens matmul js /.test(r.name)) {
      // the 1.5× transpose target is the wasm kernel's; the JS fallback is reported for information
      row.target = `fallback (info${r.target.startsWith("≤") ? `; wasm target ${r.target}` : ""})`;
      row.pass = null;
    }
    rows.push(row);
  }
  return rows;
}

function machine(): string {
  const sh = (cmd: string, args: string[]): string => {
    try {
      return execFileSync(cmd, args, { encoding: "utf8" }).trim();
    } catch {
      return "";
    }
  };
  const model = /Model name:\s*(.+)/.exec(sh("lscpu", []))?.[1]?.trim() ?? cpus()[0]?.model ?? "unknown CPU";
  const nproc = sh("nproc", []) || String(availableParallelism());
  const load = loadavg().map((l) => l.toFixed(2)).join(", ");
  const wasm = isWasmAvailable() ? `wasm kernels: ${getWasmVariant()}` : "wasm kernels unavailable";
  return `Node ${process.version}, ${nproc} CPUs (nproc), ${model}, load average ${load}; ${wasm}`;
}

function parseArgs(argv: string[]) {
  const only = argv.find((a) => a.startsWith("--only="))?.slice(7).split(",");
  const want = (group: string) => only === undefined || only.includes(group);
  return { browser: !argv.includes("--no-browser") && want("layout"), writeDocs: argv.includes("--write-docs"), want };
}

async function section(title: string, rows: Row[], run: () => Promise<Row[]>): Promise<void> {
  const started = Date.now();
  process.stderr.write(`bench: ${title}…`);
  try {
    rows.push(...(await run()));
  } catch (e) {
    rows.push({ name: `${title} failed: ${e instanceof Error ? e.message : String(e)}`, value: Number.NaN, unit: "", target: "", pass: false });
  }
  process.stderr.write(` ${((Date.now() - started) / 1000).toFixed(1)} s\n`);
}

/** tfjs prints a hint to install tfjs-node when it starts in Node; the bench compares the pure-JS backends on purpose. */
function quietTfjsHint(): () => void {
  const warn = console.warn;
  console.warn = (...args: unknown[]) => {
    if (typeof args[0] === "string" && /tfjs-node|={10}|Hi, looks like/.test(args[0])) return;
    warn(...args);
  };
  const log = console.log;
  console.log = (...args: unknown[]) => {
    if (typeof args[0] === "string" && /tfjs-node|^={10}|Hi, looks like/.test(args[0])) return;
    log(...args);
  };
  return () => {
    console.warn = warn;
    console.log = log;
  };
}

export async function main(argv = process.argv.slice(2)): Promise<Row[]> {
  const { browser, writeDocs, want } = parseArgs(argv);
  const rows: Row[] = [];
  const loadAtStart = machine();
  const restore = quietTfjsHint();
  try {
    if (want("steps")) {
      await section("MLP step", rows, async () => {
        const t = await benchMlpStep();
        // PyTorch on 2 threads is compared with GradLens on 2 threads (the next row)
        const torch2 = t.peers["pytorch-2t"];
        delete t.peers["pytorch-2t"];
        const out = stepRows(
          "MLP 784-512-512-10 training step, batch 64 (forward, cross-entropy, backward, SGD)",
          t,
          "≤ 20 ms; ≥ 10× tfjs cpu, ≥ 3× tfjs wasm; ≤ 2× PyTorch 1 thread",
          { "tfjs-cpu": 10, "tfjs-wasm": 3, pytorch: 0.5 },
          20,
        );
        const two = await withHelperThread(() => timeStepWithCpu(gradlensMlpStep(), 10, 15, 5).wall);
        out.splice(1, 0, {
          name: "  the same step on 2 threads (large GEMMs split with the helper thread)",
          value: two ?? Number.NaN,
          unit: "ms",
          target: two === null ? "not measured (GRADLENS_THREADS=1)" : "stretch: ≤ 1× PyTorch 2 threads",
          peers: torch2 === undefined ? {} : { "pytorch-2t": torch2 },
          pass: two === null || torch2 === undefined ? null : two <= torch2,
        });
        return out;
      });
      await section("CNN step", rows, async () =>
        stepRows(
          "CNN step: Conv2d 3→16→32 (3×3, ReLU) on 32×32, batch 32, then Linear",
          await benchCnnStep(),
          "≥ 5× tfjs cpu; ≤ 2.5× PyTorch 1 thread",
          { "tfjs-cpu": 5, pytorch: 0.4 },
        ),
      );
    }
    if (want("kernels")) await section("matmul kernels", rows, async () => kernelRows(await benchKernels()));
    if (want("trace")) {
      await section("tracing overhead on the MLP step", rows, async () => {
        const t = await benchTracedMlpStep();
        return [
          { name: "MLP 784-512-512-10 step traced as a check traces it (site capture)", value: t.traced, unit: "ms", target: "-", pass: null },
          { name: "tracing overhead on the MLP 784-512-512-10 step (traced / untraced)", value: t.ratio, unit: "×", target: "≤ 1.5×" },
        ];
      });
    }
  } finally {
    restore();
  }
  if (want("trace")) await section("tracing overhead (small MLP) and cold checks", rows, async () => benchTrace());
  if (want("check")) await section("warm checks", rows, async () => [...(await benchWarmCheck()), ...(await benchLargeAnalysis())]);
  if (want("check")) await section("first check after the extension starts", rows, async () => (await import("./firstCheck.bench")).benchFirstCheck());
  if (want("models")) await section("checks of real-size models", rows, async () => benchModelChecks());
  if (want("static")) await section("static scan", rows, async () => benchStaticScan());
  if (want("python")) await section("PyTorch backend (the user's torch)", rows, async () => benchPython());
  if (browser) {
    await section("graph layout (Chromium)", rows, async () => {
      const { benchGraphLayout } = await import("./graphLayout.bench");
      return benchGraphLayout();
    });
  }
  const table = formatTable(rows);
  const where = `${loadAtStart}; load average at the end ${loadavg().map((l) => l.toFixed(2)).join(", ")}`;
  process.stdout.write(`\n${where}\n\n${table}\n`);
  if (writeDocs) {
    mkdirSync("docs", { recursive: true });
    writeFileSync("docs/benchmarks.md", docsPage(where, table));
    process.stdout.write("\nwritten: docs/benchmarks.md\n");
  }
  return rows;
}

function docsPage(where: string, table: string): string {
  return [
    "# Benchmarks",
    "",
    "Output of `npm run bench` (`node dist/bench.js`), one process measuring GradLens against",
    "TensorFlow.js 4.22 (`@tensorflow/tfjs` cpu backend and `@tensorflow/tfjs-backend-wasm`, SIMD, files",
    "from `node_modules`) and, for the training steps, PyTorch. Columns \"vs tfjs\": how many times faster",
    "GradLens is than the peer (above 1 is faster). Columns \"÷ PyTorch\": how many times PyTorch's time",
    "GradLens takes (below 1 is faster). Times are medians of warm rounds; matmul GFLOP/s the best of warm runs.",
    "",
    "PyTorch runs in its own process (`test/bench/torch_steps.py`, the same models, batches and SGD) with",
    "`torch.set_num_threads(1)` (and 2 for the second column), on OpenBLAS: Debian's `python3-torch`",
    "links the reference BLAS (`libblas3`, ~20× slower on a 512³ product), so the bench unpacks Debian's",
    "`libopenblas0-pthread` (`apt-get download` + `dpkg-deb -x`) into `~/.cache/gradlens-bench/openblas`",
    "and puts its `libblas.so.3` first on `LD_LIBRARY_PATH` for that process only; nothing is installed.",
    "`GRADLENS_TORCH_PYTHON` picks the Python (default: Debian's `/usr/bin/python3`),",
    "`GRADLENS_OPENBLAS_DIR` a directory with OpenBLAS's `libblas.so.3`. Without either the rows say why.",
    "",
    `Machine: ${where} (${new Date().toISOString().slice(0, 10)}).`,
    "",
    table,
    "",
  ].join("\n");
}

if (require.main === module) {
  main().then(
    () => process.exit(0),
    (e) => {
      console.error(e);
      process.exit(1);
    },
  );
}
