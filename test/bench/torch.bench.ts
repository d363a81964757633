// The PyTorch peer of the step benchmarks: test/bench/torch_steps.py run by a Python with torch,
// on Debian's OpenBLAS (libopenblas0-pthread, unpacked into a cache directory and put first on
// LD_LIBRARY_PATH for that one process — nothing is installed system-wide). Debian's python3-torch
// otherwise links the reference BLAS, ~20× slower than OpenBLAS on a 512³ product, which would make
// a meaningless peer. The OpenBLAS package comes from apt (`apt-get download`), like python3-torch.
import { execFileSync, spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { homedir, tmpdir } from "node:os";
import { join } from "node:path";

export interface TorchTimes {
  /** ms per step by thread count */
  mlp: Record<string, number>;
  cnn: Record<string, number>;
  /** CPU time (process_time) per step by thread count */
  mlp_cpu?: Record<string, number>;
  cnn_cpu?: Record<string, number>;
  torch: string;
  blas: string;
}

export type TorchResult = { ok: true; times: TorchTimes } | { ok: false; reason: string };

const OPENBLAS_SUBDIR = "usr/lib/x86_64-linux-gnu/openblas-pthread";

/** A Python that imports torch: $GRADLENS_TORCH_PYTHON, Debian's /usr/bin/python3, then python3 on PATH. */
function torchPython(): string | null {
  const candidates = [process.env.GRADLENS_TORCH_PYTHON, "/usr/bin/python3", "python3"].filter((c): c is string => !!c);
  for (const py of candidates) {
    const r = spawnSync(py, ["-c", "import torch"], { stdio: "ignore", timeout: 60_000 });
    if (r.status === 0) return py;
  }
  return null;
}

/**
 * The directory holding OpenBLAS's libblas.so.3: $GRADLENS_OPENBLAS_DIR, or Debian's
 * libopenblas0-pthread unpacked under ~/.cache/gradlens-bench (fetched with apt-get download the
 * first time). Null (with the reason) when neither works.
 */
export function openblasDir(): { dir: string } | { reason: string } {
  const fromEnv = process.env.GRADLENS_OPENBLAS_DIR;
  if (fromEnv) return existsSync(join(fromEnv, "libblas.so.3")) ? { dir: fromEnv } : { reason: `no libblas.so.3 in $GRADLENS_OPENBLAS_DIR (${fromEnv})` };
  const root = join(homedir(), ".cache", "gradlens-bench", "openblas");
  const dir = join(root, OPENBLAS_SUBDIR);
  if (existsSync(join(dir, "libblas.so.3"))) return { dir };
  const work = mkdtempSync(join(tmpdir(), "gradlens-openblas-"));
  try {
    execFileSync("apt-get", ["download", "libopenblas0-pthread"], { cwd: work, stdio: "pipe", timeout: 120_000 });
    const deb = readdirSync(work).find((f) => f.endsWith(".deb"));
    if (!deb) return { reason: "apt-get download libopenblas0-pthread produced no .deb" };
    mkdirSync(root, { recursive: true });
    execFileSync("dpkg-deb", ["-x", join(work, deb), root], { stdio: "pipe" });
    return existsSync(join(dir, "libblas.so.3")) ? { dir } : { reason: `libopenblas0-pthread has no ${OPENBLAS_SUBDIR}/libblas.so.3` };
  } catch (e) {
    return { reason: `could not fetch Debian's libopenblas0-pthread: ${e instanceof Error ? e.message.split("\n")[0] : String(e)}` };
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

let cached: TorchResult | null = null;

/** Runs torch_steps.py once (1 and 2 threads); later calls reuse the result. */
export function torchTimes(): TorchResult {
  if (cached) return cached;
  const py = torchPython();
  if (!py) return (cached = { ok: false, reason: "PyTorch not measured: no Python with torch (set GRADLENS_TORCH_PYTHON)" });
  const blas = openblasDir();
  if ("reason" in blas) return (cached = { ok: false, reason: `PyTorch not measured: ${blas.reason}` });
  const env = { ...process.env, LD_LIBRARY_PATH: [blas.dir, process.env.LD_LIBRARY_PATH].filter(Boolean).join(":") };
  const r = spawnSync(py, [join("test", "bench", "torch_steps.py"), "--threads", "1", "2"], { env, encoding: "utf8", timeout: 300_000 });
  if (r.status !== 0) return (cached = { ok: false, reason: `PyTorch run failed: ${(r.stderr || String(r.error)).trim().split("\n").pop()}` });
  const times = JSON.parse(r.stdout) as TorchTimes;
  if (times.blas !== "openblas") return (cached = { ok: false, reason: `PyTorch ran on the ${times.blas} BLAS, not OpenBLAS` });
  return (cached = { ok: true, times });
}
