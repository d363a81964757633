// `npm run test:e2e`: packages GradLens as a .vsix, then runs each scenario in its own throw-away
// code-server (so settings like trust or timeouts cannot leak between them), saves a screenshot per
// scenario, and prints "N passed, N failed". Usage: node test/e2e/run.mjs [substring[,substring…]] (scenario names)
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { Session, log, node24 } from "./harness.mjs";
import { scenarios } from "./scenarios.mjs";
import { fillExamplesWorkspace, root } from "./workspace.mjs";
import { checkCliOnNode } from "./node24.mjs";

const shots = path.join(root, "test/e2e/shots");
const filters = (process.argv[2] ?? "").split(",");
const picked = (name) => filters.some((f) => name.includes(f));

// the per-platform package with esbuild's native binary, as the Marketplace serves it on linux-x64
function packageExtension() {
  const out = path.join(os.tmpdir(), `gradlens-e2e-${process.pid}.vsix`);
  execFileSync("npm", ["run", "--silent", "package", "--", "-o", out, "--target", "linux-x64"], { cwd: root, stdio: ["ignore", "ignore", "inherit"] });
  return out;
}

function makeWorkspace() {
  return fillExamplesWorkspace(fs.mkdtempSync(path.join(os.tmpdir(), "gradlens-e2e-ws-")));
}

const selected = scenarios.filter((s) => picked(s.name));
log(`packaging GradLens`);
const vsix = packageExtension();
const workspace = makeWorkspace();
let passed = 0, failed = 0;
if (picked("0-cli-on-node24")) {
  try {
    const version = checkCliOnNode(node24);
    passed++;
    log(`PASS 0-cli-on-node24: gradlens check gives the same results on Node ${version}`);
  } catch (e) {
    failed++;
    log(`FAIL 0-cli-on-node24: ${e.message}`);
  }
}
for (const scenario of selected) {
  const started = Date.now();
  // a scenario may bring its own folder (a fresh one with no tsconfig)
  const own = scenario.workspace ? scenario.workspace() : null;
  const session = new Session({ vsix, workspace: own ?? workspace, shots, trusted: scenario.trusted ?? true, settings: scenario.settings, workspaceSettings: scenario.workspaceSettings });
  let error = null;
  try {
    await session.start();
    await scenario.run(session);
  } catch (e) {
    error = e;
  }
  await session.screenshot(scenario.name).catch(() => {});
  try {
    await session.stop();
  } catch (e) {
    error ??= e;
  }
  if (own) fs.rmSync(own, { recursive: true, force: true });
  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  if (error) {
    failed++;
    log(`FAIL ${scenario.name} (${seconds} s): ${scenario.title}\n     ${String(error.message ?? error).split("\n").slice(0, 3).join("\n     ")}\n     logs: ${session.run}`);
  } else {
    passed++;
    log(`PASS ${scenario.name} (${seconds} s): ${scenario.title}`);
    fs.rmSync(session.run, { recursive: true, force: true });
  }
}
fs.rmSync(workspace, { recursive: true, force: true });
fs.rmSync(vsix, { force: true });
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed === 0 && passed > 0 ? 0 : 1);
