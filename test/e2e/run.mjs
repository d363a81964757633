// `npm run test:e2e`: packages GradLens as a .vsix, then runs each scenario in its own throw-away
// code-server (so settings like trust or timeouts cannot leak between them), saves a screenshot per
// scenario, and prints "N passed, N failed". Usage: node test/e2e/run.mjs [scenario-name-substring]
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { Session, log } from "./harness.mjs";
import { scenarios } from "./scenarios.mjs";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const shots = path.join(root, "test/e2e/shots");
const filter = process.argv[2] ?? "";

function packageExtension() {
  const out = path.join(os.tmpdir(), `gradlens-e2e-${process.pid}.vsix`);
  execFileSync("npm", ["run", "--silent", "package", "--", "-o", out], { cwd: root, stdio: ["ignore", "ignore", "inherit"] });
  return out;
}

/** The examples folder, plus the engine's types wired in so TypeScript shows no unresolved imports. */
function makeWorkspace() {
  const ws = fs.mkdtempSync(path.join(os.tmpdir(), "gradlens-e2e-ws-"));
  for (const f of fs.readdirSync(path.join(root, "examples"))) {
    if (f.endsWith(".ts")) fs.copyFileSync(path.join(root, "examples", f), path.join(ws, f));
  }
  const types = path.join(root, "dist/types/gradlens");
  if (fs.existsSync(types)) fs.cpSync(types, path.join(ws, "types/gradlens"), { recursive: true });
  fs.writeFileSync(
    path.join(ws, "tsconfig.json"),
    JSON.stringify({ compilerOptions: { target: "ES2022", module: "ESNext", moduleResolution: "Bundler", strict: true, noEmit: true, paths: { gradlens: ["./types/gradlens"] } } }, null, 2),
  );
  return ws;
}

const selected = scenarios.filter((s) => s.name.includes(filter));
log(`packaging GradLens`);
const vsix = packageExtension();
const workspace = makeWorkspace();
let passed = 0, failed = 0;
for (const scenario of selected) {
  const started = Date.now();
  const session = new Session({ vsix, workspace, shots, trusted: scenario.trusted ?? true, settings: scenario.settings });
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
