// Scenarios for issue 17's "Done when" items not covered by scenarios.mjs: types in a fresh folder
// with no tsconfig, fix-all on save, the side view, the walkthrough, a finding code's docs link, and a
// failed run showing only the failure. Every wait is for a condition, with room for two busy cores.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { expectations as E } from "./expectations.mjs";
import { expect, runCheck, until } from "./steps.mjs";

/** A folder with one model file and nothing else: no tsconfig, no node_modules, no types. */
function freshFolder() {
  const ws = fs.mkdtempSync(path.join(os.tmpdir(), "gradlens-e2e-fresh-"));
  fs.writeFileSync(path.join(ws, "model.ts"), [
    'import { nn, optim } from "gradlens";',
    "",
    "const net = new nn.Linear(4, 2);",
    "const opt = new optim.SGD(net.parameters(), { lr: 0.1 });",
    "// a deliberate type error: only reported when \"gradlens\" resolves to its types",
    "export const wrong: string = net;",
    "export { opt };",
    "",
  ].join("\n"));
  return ws;
}

export const editorScenarios = [
  {
    name: "11-types-fresh-folder",
    title: "in a folder with no tsconfig, \"gradlens\" resolves to the bundled types (TS server plugin): a real type error, no TS2307",
    workspace: freshFolder,
    async run(s) {
      await s.openFile("model.ts");
      const rows = await s.problems();
      // the TypeScript server starts slowly on a busy machine: wait for its verdict on line 6
      await rows.filter({ hasText: "2322" }).first().waitFor({ timeout: 240_000 });
      const texts = await rows.allInnerTexts();
      expect(texts.some((r) => /Linear/.test(r) && /string/.test(r)), `problems: ${texts.join(" | ")}`);
      expect(!texts.some((r) => r.includes("2307")), `"gradlens" did not resolve: ${texts.join(" | ")}`);
    },
  },
  {
    name: "12-fix-all-on-save",
    title: "source.fixAll.gradlens in editor.codeActionsOnSave applies GL006's fix when the file is saved",
    settings: { "editor.codeActionsOnSave": { "source.fixAll.gradlens": "explicit" }, "files.autoSave": "off" },
    async run(s) {
      const x = E.ganQuickFix;
      await s.openFile(x.file);
      await runCheck(s);
      const rows = await s.problems();
      await rows.filter({ hasText: x.fixFor }).first().waitFor({ timeout: 90_000 });
      // an edit at the end of the file (no line moves), then an explicit save runs the save participants.
      // GradLens answers the save's source.fixAll.gradlens at once with the fix (logged under load), but
      // VS Code drops a save's code actions when a provider registers meanwhile (see `until`): seen once
      // in CI (which provider, not found); a user would save again.
      const fixed = s.page.locator(".monaco-editor .view-line", { hasText: x.fixedText }).first();
      await until("fix-all on save", () => fixed.waitFor({ timeout: 20_000 }), async () => {
        await s.page.locator(".monaco-editor .view-lines").first().click();
        await s.page.keyboard.press("Control+End");
        await s.page.keyboard.press("Enter");
        await s.page.locator(".tab.active.dirty").first().waitFor({ timeout: 30_000 });
        await s.page.keyboard.press("Control+S");
        await s.page.locator(".tab.active.dirty").first().waitFor({ state: "detached", timeout: 60_000 });
        await s.page.keyboard.press("Control+Home");
      }, 3);
    },
  },
  {
    name: "13-side-view",
    title: "the GradLens side view lists the parameters by module, the reach matrix and the findings; a finding reveals its line",
    async run(s) {
      const x = E.ganQuickFix, finding = x.findings.find((f) => f.code === x.fixFor);
      await s.openFile(x.file);
      await runCheck(s);
      await s.page.locator('.activitybar [aria-label^="GradLens"]').first().click();
      const rows = s.page.locator(".pane-body .monaco-list-row");
      for (const text of ["Parameters", "Reach", "Findings", finding.code]) await rows.filter({ hasText: text }).first().waitFor({ timeout: 60_000 });
      const texts = await rows.allInnerTexts();
      expect(texts.some((r) => /lossD\.backward\(\)/.test(r) && /G 4\/4/.test(r)), `reach rows: ${texts.join(" | ")}`);
      await rows.filter({ hasText: finding.code }).first().click();
      const active = s.page.locator(".monaco-editor .line-numbers.active-line-number", { hasText: new RegExp(`^${finding.line}$`) });
      await active.first().waitFor({ timeout: 30_000 });
    },
  },
  {
    name: "14-walkthrough",
    title: "the walkthrough opens from the command palette with its four steps",
    async run(s) {
      await s.runCommand("Welcome: Open Walkthrough");
      const quick = s.page.locator(".quick-input-widget");
      await quick.locator(".monaco-list-row", { hasText: "Get started with GradLens" }).first().click();
      const page = s.page.locator(".gettingStartedContainer");
      for (const step of ["Open or create a model", "Run the gradient-flow check", "Read a lens", "Open the graph"]) {
        await page.getByText(step, { exact: true }).first().waitFor({ timeout: 60_000 });
      }
    },
  },
  {
    name: "16-finding-docs-link",
    title: "a finding's code in the Problems panel links to its section of the rendered docs",
    async run(s) {
      const x = E.findingDocs;
      await s.openFile(x.file);
      await runCheck(s);
      const rows = await s.problems();
      const row = rows.filter({ hasText: x.code }).first();
      await row.waitFor({ timeout: 90_000 });
      await row.locator("a", { hasText: x.code }).first().click();
      await s.page.locator(".tab.active", { hasText: x.previewTab }).first().waitFor({ timeout: 60_000 });
      // the Markdown preview, rendered, scrolled so that the code's heading is at the top
      const heading = s.webview().locator("h2", { hasText: x.heading }).first();
      await heading.waitFor({ timeout: 60_000 });
      const atTop = (h) => {
        const top = h.getBoundingClientRect().top;
        return { top, height: window.innerHeight, scrolled: window.scrollY, ok: window.scrollY > 0 && top >= -2 && top < window.innerHeight / 3 };
      };
      // the preview scrolls to the fragment once its content is laid out
      const handle = await heading.elementHandle();
      const frame = await handle.ownerFrame();
      await frame.waitForFunction((h) => {
        const top = h.getBoundingClientRect().top;
        return window.scrollY > 0 && top >= -2 && top < window.innerHeight / 3;
      }, handle, { timeout: 30_000 }).catch(() => {});
      const at = await handle.evaluate(atTop);
      expect(at.ok, `the ${x.code} heading is not at the top of the preview: ${JSON.stringify(at)}`);
    },
  },
  {
    name: "15-failed-run-only-failure",
    title: "a run that times out shows only the failure: one diagnostic, the failed status, no lens or gutter mark from the partial run",
    settings: E.neverEndsTimeout.settings,
    async run(s) {
      const x = E.neverEndsTimeout;
      await s.openFile(x.file);
      await runCheck(s);
      await s.statusBar("GradLens: run failed").first().waitFor({ timeout: 60_000 });
      const rows = await s.problems();
      await rows.filter({ hasText: x.problemFilter }).first().waitFor({ timeout: 60_000 });
      const texts = await rows.allInnerTexts();
      // the file row and the failure's row: nothing else
      const problems = texts.filter((r) => !r.endsWith(x.file) && !/^never-ends\.ts/.test(r));
      expect(problems.length === 1 && x.message.test(problems[0]), `problems: ${texts.join(" | ")}`);
      for (const fact of ["steps ", "reaches", "cuts "]) expect(await s.lens(fact).count() === 0, `a lens from the partial run: ${fact}`);
      expect(await s.page.locator(".monaco-editor .cgmr").count() === 0, "gutter marks from the partial run");
    },
  },
];
