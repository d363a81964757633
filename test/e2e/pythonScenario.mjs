// The PyTorch backend in a real VS Code: open the buggy Python GAN, run the check from the palette,
// see the GL006 error diagnostic and the lens on the line that misses its detach(). Needs a Python
// with torch: CI's Debian python3-torch, handed over through the gradlens.pythonPath setting (no
// Python extension in code-server) in the folder's .vscode/settings.json, as a user would set it:
// code-server is a remote window, where VS Code ignores this machine-overridable setting in User
// settings as soon as it re-reads them (it rewrote them at startup — a load-dependent moment — and
// the check then ran PATH's python3). workspace.mjs copies examples/python/*.py into the workspace.
import { expect, goToLine, runCheck } from "./steps.mjs";

export const pythonScenario = {
  name: "10-python-gan",
  title: "a PyTorch GAN without detach(): the check in the user's Python shows GL006 and the lens on the D step",
  settings: { "gradlens.timeoutSeconds": 120 },
  workspaceSettings: { "gradlens.pythonPath": process.env.GRADLENS_PYTHON ?? "/usr/bin/python3" },
  async run(s) {
    await s.openFile("gan-no-detach.py");
    // the static lens from the tree-sitter scan, before any run
    await s.lens("run the gradient-flow check").first().waitFor({ timeout: 90_000 });
    await runCheck(s, { timeout: 180_000 });
    const rows = await s.problems();
    await rows.filter({ hasText: "GL006" }).first().waitFor({ timeout: 90_000 });
    const texts = await rows.allInnerTexts();
    // examples/python/gan-no-detach.py:29:5 — optG.step() applies D's gradient to G
    expect(texts.some((r) => r.includes("GL006") && r.includes("Ln 29")), `problems: ${texts.join(" | ")}`);
    // lossD.backward() is line 22, below the fold: Monaco renders only visible lines' lenses
    await s.page.locator(".monaco-editor .view-lines").first().click();
    await goToLine(s, 22);
    const reach = s.lens("reaches").first();
    await reach.waitFor({ timeout: 30_000 });
    const lens = await reach.innerText();
    expect(/G/.test(lens), `lens on lossD.backward(): ${lens}`);
  },
};
