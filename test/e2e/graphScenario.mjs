// The graph panel's default view in a real VS Code (issue 17): a 50-parameter CNN opens on its first
// training step's backward(), named by its loss, with the model's top-level modules as boxes, a
// legend and a minimap, both out of the way in a narrow editor group; the panel then follows the
// active editor to another checked file. It also logs how long the first check after the extension
// starts takes, status bar to status bar (the linux-x64 package: native esbuild, warmed at activation).
import fs from "node:fs";
import path from "node:path";
import { log } from "./harness.mjs";

function expect(condition, message) {
  if (!condition) throw new Error(message);
}

/** every file under `dir` whose name ends with `suffix` */
function filesEnding(dir, suffix) {
  if (!fs.existsSync(dir)) return [];
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    return e.isDirectory() ? filesEnding(p, suffix) : e.name.endsWith(suffix) ? [p] : [];
  });
}

/** The GradLens output channel as VS Code logged it (the user data dir's logs), and the host's activation line. */
function extensionLogs(s) {
  const logs = path.join(s.run, "ud", "logs");
  const output = filesEnding(logs, "GradLens.log").map((f) => fs.readFileSync(f, "utf8")).join("\n");
  const activation = filesEnding(logs, "exthost.log").flatMap((f) => fs.readFileSync(f, "utf8").split("\n"))
    .filter((l) => /_doActivateExtension|Extension host .*started|eager extensions/i.test(l));
  return { output, activation };
}

/** What the e2e log shows of where the checks' time went: activation, warm-up, per-check phases, palette delay. */
function logTiming(s, checks) {
  const { output, activation } = extensionLogs(s);
  for (const l of activation) log(`exthost: ${l.trim()}`);
  log(`the file was opened at ${new Date(s.openedAt).toISOString()}`);
  const lines = output.split("\n");
  for (const l of lines.filter((l) => /GradLens activated|activation took|warm-up done|checked \S+ in/.test(l))) log(`output channel: ${l.trim()}`);
  // the palette's share: from the keypress to the command's first line in the channel
  const starts = lines.map((l) => /^(?:\S+ \[\w+\] )?\[([^\]]+)\] checking /.exec(l)?.[1]).filter(Boolean).map((t) => Date.parse(t));
  checks.forEach((c, i) => log(`${c.label}: ${c.ms} ms status bar to status bar from ${new Date(c.t0).toISOString()}; the command started ${starts[i] !== undefined ? `${starts[i] - c.t0} ms` : "?"} after the palette was opened`));
}

/** runs the check from the palette; resolves to the ms until the status bar shows its result */
async function timedCheck(s) {
  const checking = s.statusBar("GradLens: checking").first();
  const t0 = Date.now();
  s.checkStarts = [...(s.checkStarts ?? []), t0];
  await s.runCommand("GradLens: Run gradient-flow check");
  await checking.waitFor({ timeout: 20_000 }).catch(() => {});
  await checking.waitFor({ state: "detached", timeout: 120_000 });
  await s.statusBar(/GradLens: (?!checking)/).first().waitFor({ timeout: 120_000 });
  return Date.now() - t0;
}

export const graphScenario = {
  name: "20-graph-default-view",
  title: "the graph of a 50-parameter CNN opens on step 1's backward (named by its loss), modules collapsed, with legend and minimap; it follows the active editor",
  // two steps of the three the loop runs: the panel says where the check stopped, as a note
  settings: { "gradlens.stepBudget": 2 },
  async run(s) {
    await s.openFile("cnn-classifier.ts");
    s.openedAt = Date.now();
    const first = await timedCheck(s);
    // the same file again: what a first check costs beyond a later one
    const again = await timedCheck(s);
    await s.runCommand("GradLens: Show computation graph");
    const web = s.webview();
    await web.locator(".gl-node").first().waitFor({ timeout: 90_000 });
    await web.locator("html:not([data-gl-busy])").waitFor({ timeout: 90_000 });
    // step 1 of the run, its backward() named by the loss it was called on (`loss.backward()`, line 40)
    const step = await web.locator(".gl-step").evaluate((e) => ({ value: e.value, text: e.selectedOptions[0]?.textContent, hidden: e.hidden }));
    expect(!step.hidden && step.value === "0" && /^Step 1 of \d+$/.test(step.text ?? ""), `step selector: ${JSON.stringify(step)}`);
    const bw = await web.locator(".gl-backward").evaluate((e) => ({ value: e.value, text: e.selectedOptions[0]?.textContent }));
    expect(bw.value === "0" && bw.text === "backward #0 · loss (line 40) → 50 params", `backward selector: ${JSON.stringify(bw)}`);
    // the model open as one cluster, its parts collapsed: no parameter node drawn, every part reached
    const clusters = await web.locator(".gl-cluster").evaluateAll((els) => els.map((e) => e.getAttribute("data-module")));
    expect(clusters.join() === "model", `clusters: ${clusters.join()}`);
    const modules = await web.locator(".gl-node.kind-module").evaluateAll((els) => els.map((e) => `${e.getAttribute("data-module")}${e.classList.contains("reached") ? "" : " (not reached)"}`).sort());
    expect(modules.join() === "model.body,model.head,model.pool,model.stem", `module boxes: ${modules.join()}`);
    expect((await web.locator(".gl-node.kind-param").count()) === 0, "parameter nodes drawn in a collapsed view");
    // a narrow editor group (the window 1000 px wide, the side bar open): the legend is a button, no minimap
    await s.page.setViewportSize({ width: 1000, height: 850 });
    const stage = web.locator(".gl-stage");
    await web.locator(".gl-minimap").waitFor({ state: "hidden", timeout: 30_000 });
    const narrow = await stage.evaluate((e) => Math.round(e.getBoundingClientRect().width));
    expect(narrow < 520, `the panel is ${narrow} px wide, expected a narrow one`);
    expect(!(await web.locator(".gl-legend-body").isVisible()) && (await web.locator(".gl-legend-toggle").isVisible()), "the legend is not folded to its button");
    await web.locator(".gl-fit").click();
    await s.screenshot("20-graph-narrow-panel");
    log(`graph panel ${narrow} px wide: legend folded, minimap hidden (screenshot 20-graph-narrow-panel)`);
    await s.page.setViewportSize({ width: 1400, height: 850 });
    await web.locator(".gl-minimap").waitFor({ state: "visible", timeout: 30_000 });
    // legend (folded to its title in a narrow panel; opens on a click) and minimap (one mark per drawn node)
    await web.locator(".gl-legend-toggle").click();
    expect(await web.locator(".gl-legend-body").isVisible(), "the legend did not open");
    const drawn = await web.locator(".gl-node").count();
    const marks = await web.locator(".gl-minimap .gl-minimap-node").count();
    expect(marks === drawn && drawn > 0, `minimap: ${marks} marks for ${drawn} nodes`);
    // a neutral note, not a warning, on how the run ended
    const note = await web.locator(".gl-banner .gl-note").allInnerTexts();
    expect(note.length === 1 && note[0] === "Stopped after 2 training steps (the check's step budget).", `banner notes: ${note.join(" | ")}`);
    expect((await web.locator(".gl-banner .gl-warning").count()) === 0, "a warning in the banner");
    await s.screenshot("20-graph-default-view-cnn");

    // the panel follows the active editor: a check of another file shows it, its tab switches back
    await s.openFile("frozen-middle.ts");
    const later = await timedCheck(s);
    const [t1, t2, t3] = s.checkStarts;
    logTiming(s, [
      { label: "first check after the extension started (cnn-classifier.ts)", ms: first, t0: t1 },
      { label: "the same file again", ms: again, t0: t2 },
      { label: "a later check of another file (frozen-middle.ts)", ms: later, t0: t3 },
    ]);
    const frozen = web.locator('.gl-node[data-status="frozen"]');
    await frozen.first().waitFor({ timeout: 60_000 });
    await s.page.locator(".tab", { hasText: "cnn-classifier.ts" }).first().click();
    await web.locator('.gl-node.kind-module[data-module="model.body"]').waitFor({ timeout: 60_000 });
    expect((await frozen.count()) === 0, "the graph still shows frozen-middle.ts after switching to cnn-classifier.ts");
  },
};
