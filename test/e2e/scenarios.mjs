// What a user sees in a real VS Code, one scenario per function. Each gets a started Session and
// throws on the first expectation that fails; run.mjs saves a screenshot per scenario either way.
// The texts, codes and positions come from expectations.mjs, shared with test/electron.
import { expectations as E, problemsPosition, staticLens } from "./expectations.mjs";
import { editorScenarios } from "./editorScenarios.mjs";
import { pythonScenario } from "./pythonScenario.mjs";
import { graphScenario } from "./graphScenario.mjs";
import { expect, goToLine, problemRows, quickFix, runCheck, waitForLens, watchLensRenders } from "./steps.mjs";

export const scenarios = [
  {
    name: "1-static-codelens",
    title: "opening the branch-detach example shows one entry lens at once, counting what the check will explain",
    async run(s) {
      await s.openFile(E.staticCodeLens.file);
      const text = await waitForLens(s, E.staticCodeLens.lens.text);
      expect(text.includes("1 cut"), `lens text: ${text}`);
      const lenses = await s.lens("").count();
      expect(lenses === 1, `${lenses} lenses before a check, expected the one entry lens`);
    },
  },
  {
    name: "2-check-from-palette",
    title: "the check from the command palette updates the lens, the Problems panel and the status bar",
    async run(s) {
      const x = E.checkFromPalette, [finding] = x.findings;
      await s.openFile(x.file);
      await waitForLens(s, "run the gradient-flow check");
      await runCheck(s);
      const lens = await waitForLens(s, x.lensAfter.includes);
      expect(x.lensAfter.pattern.test(lens) && lens.includes(x.lensAfter.mark), `lens after the check: ${lens}`);
      // the entry lens gives way to what the check saw at its site (VS Code retitles a lens that stays
      // on its line a moment after it adds the new ones)
      const entryGone = await s.lens(staticLens.any).first().waitFor({ state: "detached", timeout: 15_000 }).then(() => true, () => false);
      const lenses = await s.lens("").allInnerTexts();
      expect(entryGone && lenses.some((t) => t.includes(x.entrySiteAfter.text)), `lenses after the check: ${lenses.join(" | ")}`);
      const rows = await problemRows(s, finding.code);
      expect(rows.some((r) => r.includes(finding.code) && /Ln 1[0-9]/.test(r)), `problems: ${rows.join(" | ")}`);
      const status = await s.statusBar("GradLens:").first().innerText();
      expect(x.statusBar.test(status), `status bar: ${status}`);
    },
  },
  {
    name: "3-buggy-gan-quick-fix",
    title: "the buggy GAN gets an error on the optimizer step; its quick fix applies and a re-run is clean",
    async run(s) {
      const x = E.ganQuickFix, finding = x.findings.find((f) => f.code === x.fixFor);
      await s.openFile(x.file);
      await runCheck(s);
      const rows = await problemRows(s, finding.code);
      expect(rows.some((r) => r.includes(finding.code) && r.includes(problemsPosition(finding))), `problems: ${rows.join(" | ")}`);
      // apply the quick fix from the Problems row's light bulb: select the row, then Ctrl+.
      await quickFix(s, finding.code, x.quickFixTitle);
      await s.page.locator(".monaco-editor .view-line", { hasText: x.fixedText }).first().waitFor({ timeout: 30_000 });
      await s.page.keyboard.press("Control+S");
      await runCheck(s);
      // the editor draws a lens only for lines in view (once seen scrolled to the file's end here)
      await goToLine(s, x.fixedLine);
      await waitForLens(s, x.lensAfterFix);
      const after = await (await s.problems()).allInnerTexts();
      expect(!after.some((r) => x.goneAfterFix.some((code) => r.includes(code))), `problems after the fix: ${after.join(" | ")}`);
      const status = await s.statusBar("GradLens:").first().innerText();
      expect(!x.failedStatus.test(status), `status bar: ${status}`);
    },
  },
  {
    name: "4-graph-panel",
    title: "the graph panel colours parameters by status and a double-click reveals the source line",
    async run(s) {
      const x = E.graphPanel;
      await s.openFile(x.file);
      await runCheck(s);
      await s.runCommand(x.paletteTitle);
      const web = s.webview();
      const params = web.locator("[data-status]");
      await params.first().waitFor({ timeout: 90_000 });
      const statuses = await params.evaluateAll((els) => els.map((e) => e.getAttribute("data-status")));
      expect(x.statuses.every((status) => statuses.includes(status)), `statuses: ${statuses.join(",")}`);
      // lin2's parameters are created by `new nn.Linear(2, 2)` on line 8 of frozen-middle.ts
      // dispatched on the node itself: a real first click opens the details pane over the node
      const frozen = web.locator('[data-status="frozen"]').first();
      await frozen.dispatchEvent("dblclick");
      const active = s.page.locator(".monaco-editor .line-numbers.active-line-number", { hasText: new RegExp(`^${x.frozenDefinedOnLine}$`) });
      await active.first().waitFor({ timeout: 30_000 });
    },
  },
  {
    name: "5-never-ends-timeout",
    title: "the never-ending example stops at the timeout with a clear message; the editor stays responsive",
    settings: E.neverEndsTimeout.settings,
    async run(s) {
      const x = E.neverEndsTimeout;
      await s.openFile(x.file);
      await runCheck(s);
      const rows = await problemRows(s, x.problemFilter);
      expect(rows.some((r) => x.message.test(r)), `problems: ${rows.join(" | ")}`);
      // still responsive: another file opens and its lenses show
      await s.openFile(x.thenFile);
      await waitForLens(s, x.thenLens);
    },
  },
  {
    name: "6-untrusted-workspace",
    title: "in an untrusted workspace the check refuses to run code and says why; static lenses still show",
    trusted: false,
    async run(s) {
      const x = E.untrustedWorkspace;
      await s.openFile(x.file);
      await waitForLens(s, x.lens.text);
      await s.runCommand(E.checkFromPalette.paletteTitle);
      await s.notification(x.messageText).first().waitFor({ timeout: 60_000 });
    },
  },
  {
    name: "7-edit-keeps-lenses",
    title: "after a check, an Enter at the top keeps the lens facts and gutter marks, one line lower",
    async run(s) {
      const x = E.editKeepsLenses;
      await s.openFile(x.file);
      await runCheck(s);
      await waitForLens(s, x.lensAfter);
      const marks = s.page.locator(".monaco-editor .glyph-margin-widgets .cgmr, .monaco-editor .margin-view-overlays .cgmr");
      await marks.first().waitFor({ timeout: 30_000 });
      const before = await marks.count();
      await s.page.locator(".monaco-editor .view-lines").first().click();
      await s.page.keyboard.press("Control+Home");
      const renders = await watchLensRenders(s.page);
      for (let i = 0; i < x.inserted; i++) await s.page.keyboard.press("Enter");
      await s.page.locator(".monaco-editor .line-numbers.active-line-number", { hasText: new RegExp(`^${x.inserted + 1}$`) }).first().waitFor();
      // VS Code asks for the lenses again after the edit and re-renders them: then they must still be the run's facts
      await renders.rendered();
      await renders.stop();
      const lens = await waitForLens(s, x.lensAfter, 10_000);
      expect(lens.includes(x.lensAfter), `lens after the edit: ${lens}`);
      const stale = await s.lens("run the gradient-flow check").count();
      expect(stale === 0, `${stale} lenses went back to "run the check" after one Enter`);
      const after = await marks.count();
      expect(after === before, `gutter marks: ${before} before the edit, ${after} after`);
    },
  },
  {
    name: "8-unsaved-buffer",
    title: "the check runs what the editor shows: an unsaved edit is checked and the file stays unsaved",
    // code-server saves after a delay by default: the buffer must stay unsaved for this scenario to mean anything
    settings: { "files.autoSave": "off" },
    async run(s) {
      const x = E.unsavedBuffer;
      await s.openFile(x.file);
      await runCheck(s);
      const before = await s.statusBar("GradLens:").first().innerText();
      expect(x.statusBefore.test(before), `status bar before the edit: ${before}`);
      await s.page.locator(".monaco-editor .view-lines").first().click();
      await goToLine(s, x.freezeLine);
      await s.page.keyboard.press("Home");
      await s.page.keyboard.type("// ");
      await s.page.locator(".tab.active.dirty").first().waitFor({ timeout: 10_000 });
      await runCheck(s);
      await s.statusBar(x.statusAfter).first().waitFor({ timeout: 60_000 });
      expect(await s.page.locator(".tab.active.dirty").count() === 1, "the check saved the file");
    },
  },
  {
    name: "9-ignore-quick-fix",
    title: "a finding can be ignored on its line from the quick-fix menu (the suppression comment)",
    async run(s) {
      const x = E.ignoreQuickFix;
      await s.openFile(x.file);
      await runCheck(s);
      await problemRows(s, x.code);
      await quickFix(s, x.code, x.title);
      await s.page.locator(".monaco-editor .view-line", { hasText: x.inserted }).first().waitFor({ timeout: 30_000 });
    },
  },
  pythonScenario,
  ...editorScenarios,
  graphScenario,
];
