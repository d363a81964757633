// `npm run test:electron`: the end-to-end scenarios of test/e2e (code-server + Playwright, the CI
// suite) in a desktop VS Code that @vscode/test-electron downloads (needs the internet once; not
// part of CI) into ~/.cache/gradlens-electron, outside the repo. It builds the extension, makes a workspace from examples/, and
// launches VS Code with the extension under development and test/electron/suite/index.cjs as its
// tests, once per scenario as run.mjs does (a fresh profile and workspace copy each, so no report,
// setting or trust state leaks between them); the untrusted-workspace scenario gets a launch with
// workspace trust on and the folder untrusted.
// Usage: node test/electron/runTests.mjs [scenario-name-substring]
// Env: VSCODE_TEST_VERSION ("stable", "insiders" or e.g. "1.95.0"; default stable),
//      GRADLENS_ELECTRON_CACHE (where VS Code is downloaded to).
import { spawn } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { downloadAndUnzipVSCode, runTests } from "@vscode/test-electron";
import { fillExamplesWorkspace, quietUserSettings, root } from "../e2e/workspace.mjs";

const suite = path.join(root, "test/electron/suite/index.cjs");
const filter = process.argv[2] ?? "";
const version = process.env.VSCODE_TEST_VERSION ?? "stable";
const cachePath = process.env.GRADLENS_ELECTRON_CACHE ?? path.join(os.homedir(), ".cache", "gradlens-electron");

/** The development build: dist/extension.js + dist/worker.js, and the graph webview's script. */
async function buildExtension() {
  const { buildEntries } = await import(pathToFileURL(path.join(root, "esbuild.config.mjs")).href);
  await buildEntries(["extension", "webview"], { quiet: true });
}

/** The examples folder as run.mjs makes it, plus the workspace settings both launches share. */
function makeWorkspace(dir) {
  const ws = path.join(dir, "ws");
  fs.mkdirSync(path.join(ws, ".vscode"), { recursive: true });
  fillExamplesWorkspace(ws);
  // the extension's defaults, written out so a contributor's own user settings cannot change a run;
  // the timeout scenario changes gradlens.timeoutSeconds here and restores it
  fs.writeFileSync(
    path.join(ws, ".vscode", "settings.json"),
    JSON.stringify({
      "gradlens.timeoutSeconds": 30,
      "gradlens.stepBudget": 5,
      "gradlens.runOnSave": "off",
      "gradlens.codeLens.enabled": true,
      "gradlens.diagnostics.severities": ["error", "warning", "info"],
    }, null, 2),
  );
  return ws;
}

/** A fresh profile per launch: user data (with these user settings) and an empty extensions folder. */
function makeProfile(dir, trusted) {
  const userData = path.join(dir, "ud");
  const extensions = path.join(dir, "ext");
  fs.mkdirSync(path.join(userData, "User"), { recursive: true });
  fs.mkdirSync(extensions, { recursive: true });
  fs.writeFileSync(
    path.join(userData, "User", "settings.json"),
    // trusted: runTests passes --disable-workspace-trust anyway; untrusted: trust is on and the
    // folder, never trusted in this fresh profile, opens in restricted mode without a prompt
    JSON.stringify(quietUserSettings({ trusted }), null, 2),
  );
  return { userData, extensions };
}

/** The arguments runTests adds itself (@vscode/test-electron 2.5 runTest.js), minus --disable-workspace-trust. */
function testArgs() {
  return ["--no-sandbox", "--disable-gpu-sandbox", "--disable-updates", "--skip-welcome", "--skip-release-notes",
    `--extensionTestsPath=${suite}`, `--extensionDevelopmentPath=${root}`];
}

/** Runs VS Code like runTests does, for the launch runTests cannot make (it always disables workspace trust). */
function runUntrusted(executable, args, env) {
  const shell = process.platform === "win32";
  const child = spawn(shell ? `"${executable}"` : executable, args, { env: { ...process.env, ...env }, shell, stdio: "inherit" });
  return new Promise((resolve, reject) => {
    child.on("error", reject);
    child.on("exit", (code, signal) => (code === 0 ? resolve(0) : reject(new Error(`VS Code exited with ${code ?? signal}`))));
  });
}

/** One VS Code launch running one scenario; resolves to the suite's counts. */
async function launch({ executable, dir, scenario }) {
  const trusted = scenario.trusted ?? true;
  const workspace = makeWorkspace(dir);
  const { userData, extensions } = makeProfile(dir, trusted);
  const results = path.join(dir, "results.json");
  const env = { GRADLENS_ELECTRON_TRUST: trusted ? "trusted" : "untrusted", GRADLENS_ELECTRON_SCENARIO: scenario.name, GRADLENS_ELECTRON_RESULTS: results };
  const launchArgs = [workspace, "--disable-extensions", `--user-data-dir=${userData}`, `--extensions-dir=${extensions}`];
  console.log(`[electron] ${scenario.name} in a${trusted ? " trusted" : "n untrusted"} workspace`);
  let error = null;
  try {
    if (trusted) {
      await runTests({ vscodeExecutablePath: executable, extensionDevelopmentPath: root, extensionTestsPath: suite, launchArgs, extensionTestsEnv: env });
    } else {
      await runUntrusted(executable, [...launchArgs, ...testArgs()], env);
    }
  } catch (e) {
    error = e;
  }
  // the suite writes its counts; without them the launch itself failed before any scenario ran
  if (fs.existsSync(results)) return JSON.parse(fs.readFileSync(results, "utf8"));
  console.log(`FAIL ${scenario.name}: VS Code ran no scenario: ${error?.message ?? "no results written"}`);
  return { passed: 0, failed: 1 };
}

// the scenario list (names, titles, trust, settings) is the code-server suite's
const { scenarios } = await import(pathToFileURL(path.join(root, "test/e2e/scenarios.mjs")).href);
const selected = scenarios.filter((s) => s.name.includes(filter));
if (selected.length === 0) {
  console.log(`no scenario matches "${filter}"`);
  process.exit(1);
}

console.log("[electron] building the extension");
await buildExtension();
const executable = await downloadAndUnzipVSCode({ version, cachePath });
const dir = fs.mkdtempSync(path.join(os.tmpdir(), "gl-electron-"));
let passed = 0, failed = 0;
try {
  for (const scenario of selected) {
    // short paths: VS Code puts its IPC socket under the user data folder (macOS limits socket paths)
    const counts = await launch({ executable, dir: fs.mkdtempSync(path.join(dir, `${scenario.name.split("-")[0]}-`)), scenario });
    passed += counts.passed;
    failed += counts.failed;
  }
} finally {
  fs.rmSync(dir, { recursive: true, force: true });
}
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed === 0 && passed > 0 ? 0 : 1);
