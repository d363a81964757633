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
import { benchCnnStep, benchMlpStep, benchTracedMlpStep, gradlensMlpStep, MLP_PLAN, pairedStep, type Peer, type StepTimes, type TorchPeer } from "./steps.bench";
import { startTorchPeer } from "./torch.bench";
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
  /** ours ÷ the peer's time measured in interleaved rounds (the median of per-pair ratios): the
   * ratio to show and judge, rather than the ratio of two medians */
  paired?: Partial<Record<Peer, number>>;
  /** GFLOP/s rows: a higher value is better (ratios are ours / peer, else peer / ours) */
  higherIsBetter?: boolean;
  /** explicit verdict; otherwise the target's leading comparison (≥ 40, < 1.5×, ...) decides */
  pass?: boolean | null;
}

/** How many times better GradLens is than the peer (> 1: GradLens faster). */
export function ratioOf(row: Row, peer: Peer): number | null {
  const paired = row.paired?.[peer];
  if (paired !== undefined) return Number.isFinite(paired) && paired > 0 ? 1 / paired : null;
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

const note = (text: string): Row => ({ name: `  note: ${text}`, value: Number.NaN, unit: "", target: "", pass: null });

/** A step's row: GradLens's median time, tfjs medians, PyTorch's paired ratio. */
export function stepRow(name: string, t: StepTimes, target: string, need: Partial<Record<Peer, number>>, maxMs?: number): Row {
  const row: Row = { name, value: t.gradlens.wall, unit: "ms", target, peers: t.peers };
  if (t.paired) row.paired = { [t.paired.peer]: t.paired.ratio.wall };
  const checks: boolean[] = [];
  if (maxMs !== undefined) checks.push(t.gradlens.wall <= maxMs);
  for (const [peer, min] of Object.entries(need) as Array<[Peer, number]>) {
    const r = ratioOf(row, peer);
    if (r !== null) checks.push(r >= min);
  }
  row.pass = checks.length > 0 ? checks.every(Boolean) : null;
  return row;
}

/** Both sides' wall and CPU time per step, and how they were measured. */
function stepNotes(t: StepTimes, threads: string): Row[] {
  // information, not the verdict: CPU time shrinks what other processes' load does to wall time
  const p = t.paired;
  const vs = p
    ? `; PyTorch ${threads} ${fmt(p.pytorch.wall)} ms wall, ${fmt(p.pytorch.cpu)} ms CPU: GradLens takes ${fmt(p.ratio.cpu)}× its CPU time (median of per-pair ratios)`
    : "";
  return [note(`${threads}: GradLens ${fmt(t.gradlens.wall)} ms wall, ${fmt(t.gradlens.cpu)} ms CPU per step${vs}`), note(t.method)];
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

async function stepSections(rows: Row[], torch: TorchPeer): Promise<void> {
  await section("MLP step", rows, async () => {
    const t = await benchMlpStep(torch);
    const row = stepRow(
      "MLP 784-512-512-10 training step, batch 64 (forward, cross-entropy, backward, SGD)",
      t,
      "≤ 20 ms; ≥ 10× tfjs cpu, ≥ 3× tfjs wasm; ≤ 2× PyTorch 1 thread",
      { "tfjs-cpu": 10, "tfjs-wasm": 3, pytorch: 0.5 },
      20,
    );
    // GradLens on 2 threads against PyTorch on 2 threads, paired the same way
    const two = await withHelperThread(() => pairedStep(gradlensMlpStep(), torch, "mlp", 2, MLP_PLAN));
    const twoRows: Row[] = [];
    if (two === null) {
      twoRows.push({ name: "  the same step on 2 threads", value: Number.NaN, unit: "ms", target: "not measured (GRADLENS_THREADS=1)", pass: null });
    } else {
      const r = stepRow("  the same step on 2 threads (large GEMMs split with the helper thread)", two, "stretch: ≤ 1× PyTorch 2 threads", { "pytorch-2t": 1 });
      twoRows.push(r, ...stepNotes(two, "2 threads"));
      // On a VM whose two cores are shared, PyTorch's two threads (its OpenMP pool and OpenBLAS's
      // workers) can run slower than one: no yardstick for GradLens's two threads then.
      const one = t.paired?.pytorch.wall, both = two.paired?.pytorch.wall;
      if (one !== undefined && both !== undefined && both >= one) {
        r.pass = null;
        twoRows.push(note(`not judged: PyTorch on 2 threads (${both.toFixed(2)} ms) was no faster than on 1 (${one.toFixed(2)} ms) on this machine`));
      }
    }
    return [row, ...stepNotes(t, "1 thread"), ...twoRows, ...t.notes.map(note)];
  });
  await section("CNN step", rows, async () => {
    const t = await benchCnnStep(torch);
    return [stepRow("CNN step: Conv2d 3→16→32 (3×3, ReLU) on 32×32, batch 32, then Linear", t, "≥ 5× tfjs cpu; ≤ 2.5× PyTorch 1 thread", { "tfjs-cpu": 5, pytorch: 0.4 }), ...stepNotes(t, "1 thread"), ...t.notes.map(note)];
  });
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
      process.stderr.write("bench: starting PyTorch…\n");
      const torch = await startTorchPeer();
      try {
        await stepSections(rows, torch);
      } finally {
        if ("close" in torch) await torch.close();
      }
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
    "GradLens and PyTorch are measured in interleaved rounds, so both sides of a ratio run under the same",
    "load (on a VM the same step drifts by tens of percent between minutes and processes). Each side first",
    "steps for at least 1 s by its own clock and at least 100 steps (CNN: 20): V8 tiers the wasm and",
    "JavaScript up after enough work, compiling in the background. Then rounds of a few steps alternate,",
    "GradLens, PyTorch, GradLens, …, and the \"÷ PyTorch\" ratio is the median of the per-pair ratios (the",
    "CPU-time note likewise). After each round a side waits until its process is idle (OpenBLAS's worker",
    "spins ~0.1 s after a product on two threads), so neither runs into the other's round. Every round after",
    "the warm-up counts; the notes give both sides' medians, the number of pairs and the middle half of the",
    "per-pair ratios. The two-thread row pairs GradLens on two threads with PyTorch on two. tfjs is timed on",
    "its own, after these rounds.",
    "",
    "PyTorch runs in its own process (`test/bench/torch_steps.py --serve`: the same models, batch sizes and",
    "SGD, built once; it answers one round per request on stdin) with",
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
