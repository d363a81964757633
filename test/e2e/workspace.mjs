// What both end-to-end suites (code-server here, desktop VS Code in test/electron) open: the
// examples, the engine's type declarations wired in so TypeScript resolves "gradlens", and user
// settings that keep a run quiet and off the network.
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

export const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");

/** Copies examples/*.ts, examples/python/*.py, dist/types/gradlens and a tsconfig.json with `paths` into `ws`. */
export function fillExamplesWorkspace(ws) {
  fs.mkdirSync(ws, { recursive: true });
  for (const f of fs.readdirSync(path.join(root, "examples"))) {
    if (f.endsWith(".ts")) fs.copyFileSync(path.join(root, "examples", f), path.join(ws, f));
  }
  // the PyTorch twins, for the Python scenario (run by the user's Python: gradlens.pythonPath)
  for (const f of fs.readdirSync(path.join(root, "examples/python"))) {
    if (f.endsWith(".py")) fs.copyFileSync(path.join(root, "examples/python", f), path.join(ws, f));
  }
  const types = path.join(root, "dist/types/gradlens");
  if (fs.existsSync(types)) fs.cpSync(types, path.join(ws, "types/gradlens"), { recursive: true });
  fs.writeFileSync(
    path.join(ws, "tsconfig.json"),
    JSON.stringify({ compilerOptions: { target: "ES2022", module: "ESNext", moduleResolution: "Bundler", strict: true, noEmit: true, paths: { gradlens: ["./types/gradlens"] } } }, null, 2),
  );
  return ws;
}

/** User settings for a throw-away profile; `trusted: false` turns workspace trust on (and never prompts). */
export function quietUserSettings({ trusted }) {
  return {
    "workbench.startupEditor": "none",
    "workbench.tips.enabled": false,
    "workbench.secondarySideBar.defaultVisibility": "hidden",
    "security.workspace.trust.enabled": !trusted,
    "security.workspace.trust.startupPrompt": "never",
    "security.workspace.trust.emptyWindow": false,
    "telemetry.telemetryLevel": "off",
    "update.mode": "none",
    "extensions.autoCheckUpdates": false,
    "extensions.autoUpdate": false,
    "extensions.ignoreRecommendations": true,
    "chat.disableAIFeatures": true,
    "git.enabled": false,
    "typescript.disableAutomaticTypeAcquisition": true,
  };
}
