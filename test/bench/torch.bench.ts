// The PyTorch peer of the step benchmarks: `test/bench/torch_steps.py --serve` run by a Python with
// torch, a persistent process that answers one round at a time (steps.bench.ts alternates its rounds
// with GradLens's), on Debian's OpenBLAS (libopenblas0-pthread, unpacked into a cache directory and put first on
// LD_LIBRARY_PATH for that one process — nothing is installed system-wide). Debian's python3-torch
// otherwise links the reference BLAS, ~20× slower than OpenBLAS on a 512³ product, which would make
// a meaningless peer. The OpenBLAS package comes from apt (`apt-get download`), like python3-torch.
import { execFileSync, spawn, spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { homedir, tmpdir } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";
import type { RoundTimes } from "./paired";

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

/** A running `torch_steps.py --serve`: one round of a step on demand (see its docstring for the protocol). */
export interface TorchServer {
  torch: string;
  /** the BLAS the process mapped: "openblas", "reference", … */
  blas: string;
  round(which: "mlp" | "cnn", threads: number, steps: number): Promise<RoundTimes>;
  /** ends stdin; resolves when the process has exited */
  close(): Promise<void>;
}

/** Starts `python torch_steps.py --serve` and waits for its first line; rejects with Python's last error line. */
export async function serveTorchSteps(python: string, env: NodeJS.ProcessEnv = process.env, timeoutMs = 300_000): Promise<TorchServer> {
  const child = spawn(python, [join("test", "bench", "torch_steps.py"), "--serve"], { env, stdio: ["pipe", "pipe", "pipe"] });
  let stderr = "";
  child.stdin.on("error", () => {}); // a write after the process died: its "close" reports why
  child.stderr.setEncoding("utf8").on("data", (d: string) => (stderr = (stderr + d).slice(-4000)));
  const failure = (why: string) => new Error(`torch_steps.py ${why}${stderr.trim() ? `: ${stderr.trim().split("\n").pop()}` : ""}`);
  // one request at a time: each waits for the next line of stdout
  const waiting: Array<{ resolve: (line: string) => void; reject: (e: Error) => void; timer: NodeJS.Timeout }> = [];
  let ended: Error | null = null;
  const end = (e: Error) => {
    ended ??= e;
    for (const w of waiting.splice(0)) {
      clearTimeout(w.timer);
      w.reject(ended);
    }
  };
  const exited = new Promise<void>((resolve) => child.on("close", (code, signal) => (end(failure(`exited (${signal ?? `code ${code}`})`)), resolve())));
  child.on("error", (e) => end(failure(`could not start: ${e.message}`)));
  createInterface({ input: child.stdout }).on("line", (line) => {
    const w = waiting.shift();
    if (!w) return;
    clearTimeout(w.timer);
    w.resolve(line);
  });
  const nextLine = () =>
    new Promise<string>((resolve, reject) => {
      if (ended) return reject(ended);
      const timer = setTimeout(() => {
        child.kill();
        end(failure(`gave no answer in ${timeoutMs / 1000} s`));
      }, timeoutMs);
      waiting.push({ resolve, reject, timer });
    });
  let head: { torch: string; blas: string };
  try {
    head = JSON.parse(await nextLine()) as typeof head;
  } catch (e) {
    child.kill();
    await exited;
    throw e;
  }
  return {
    ...head,
    async round(which, threads, steps) {
      const answer = nextLine();
      child.stdin.write(`${which} ${threads} ${steps}\n`);
      const r = JSON.parse(await answer) as RoundTimes | { error: string };
      if ("error" in r) throw new Error(`torch_steps.py: ${r.error}`);
      return r;
    },
    close() {
      child.stdin.end();
      return exited;
    },
  };
}

/** PyTorch + OpenBLAS as the steps' peer, or why there is none. */
export async function startTorchPeer(): Promise<TorchServer | { reason: string }> {
  const py = torchPython();
  if (!py) return { reason: "PyTorch not measured: no Python with torch (set GRADLENS_TORCH_PYTHON)" };
  const blas = openblasDir();
  if ("reason" in blas) return { reason: `PyTorch not measured: ${blas.reason}` };
  const env = { ...process.env, LD_LIBRARY_PATH: [blas.dir, process.env.LD_LIBRARY_PATH].filter(Boolean).join(":") };
  let server: TorchServer;
  try {
    server = await serveTorchSteps(py, env);
  } catch (e) {
    return { reason: `PyTorch run failed: ${e instanceof Error ? e.message : String(e)}` };
  }
  if (server.blas !== "openblas") {
    await server.close();
    return { reason: `PyTorch ran on the ${server.blas} BLAS, not OpenBLAS` };
  }
  return server;
}
