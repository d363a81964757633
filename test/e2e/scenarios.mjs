// What a user sees in a real VS Code, one scenario per function. Each gets a started Session and
// throws on the first expectation that fails; run.mjs saves a screenshot per scenario either way.

function expect(condition, message) {
  if (!condition) throw new Error(message);
}

async function waitForLens(s, text, timeout = 90_000) {
  const lens = s.lens(text).first();
  await lens.waitFor({ timeout });
  return lens.innerText();
}

/** Problem rows as text, waiting until one matches `pattern`. */
async function problemRows(s, pattern, timeout = 90_000) {
  const rows = await s.problems();
  await rows.filter({ hasText: pattern }).first().waitFor({ timeout });
  return rows.allInnerTexts();
}

/** Runs the check from the palette and waits for the status bar to show a finished result. */
async function runCheck(s) {
  await s.runCommand("GradLens: Run gradient-flow check");
  await s.page.locator(".statusbar-item", { hasText: /GradLens: (?!checking)/ }).first().waitFor({ timeout: 120_000 });
  await s.page.locator(".statusbar-item", { hasText: "GradLens: checking" }).first().waitFor({ state: "detached", timeout: 120_000 }).catch(() => {});
}

export const scenarios = [
  {
    name: "1-static-codelens",
    title: "opening the branch-detach example shows the static CodeLens on detach() at once",
    async run(s) {
      await s.openFile("branch-detach.ts");
      const text = await waitForLens(s, "detach — run the gradient-flow check to see what it cuts");
      expect(text.includes("detach"), `lens text: ${text}`);
    },
  },
  {
    name: "2-check-from-palette",
    title: "the check from the command palette updates the lens, the Problems panel and the status bar",
    async run(s) {
      await s.openFile("branch-detach.ts");
      await waitForLens(s, "run the gradient-flow check");
      await runCheck(s);
      const lens = await waitForLens(s, "cuts gradient to x");
      expect(/gets? gradient from/.test(lens) && lens.includes("✓"), `lens after the check: ${lens}`);
      const rows = await problemRows(s, "GL005");
      expect(rows.some((r) => /GL005/.test(r) && /Ln 1[0-9]/.test(r)), `problems: ${rows.join(" | ")}`);
      const status = await s.page.locator(".statusbar-item", { hasText: "GradLens:" }).first().innerText();
      expect(/GradLens: .*not applied/.test(status), `status bar: ${status}`);
    },
  },
  {
    name: "3-buggy-gan-quick-fix",
    title: "the buggy GAN gets an error on the optimizer step; its quick fix applies and a re-run is clean",
    async run(s) {
      await s.openFile("gan-no-detach.ts");
      await runCheck(s);
      const rows = await problemRows(s, "GL006");
      expect(rows.some((r) => /GL006/.test(r) && /Ln 29, Col 3/.test(r)), `problems: ${rows.join(" | ")}`);
      // apply the quick fix from the Problems row's light bulb: focus the row, then Ctrl+.
      await s.page.locator(".markers-panel .monaco-list-row", { hasText: "GL006" }).first().click();
      await s.page.keyboard.press("Control+.");
      const option = s.page.locator(".context-view").getByText(/Add \.detach\(\) to/).first();
      await option.waitFor({ timeout: 30_000 });
      await option.click();
      await s.page.locator(".monaco-editor .view-line", { hasText: "D.forward(fake.detach())" }).first().waitFor({ timeout: 30_000 });
      await s.page.keyboard.press("Control+S");
      await runCheck(s);
      const after = await (await s.problems()).allInnerTexts();
      expect(!after.some((r) => /GL006|GL011/.test(r)), `problems after the fix: ${after.join(" | ")}`);
      const status = await s.page.locator(".statusbar-item", { hasText: "GradLens:" }).first().innerText();
      expect(!/run failed/.test(status), `status bar: ${status}`);
    },
  },
  {
    name: "4-graph-panel",
    title: "the graph panel colours parameters by status and a double-click reveals the source line",
    async run(s) {
      await s.openFile("frozen-middle.ts");
      await runCheck(s);
      await s.runCommand("GradLens: Show computation graph");
      const web = s.webview();
      const params = web.locator("[data-status]");
      await params.first().waitFor({ timeout: 90_000 });
      const statuses = await params.evaluateAll((els) => els.map((e) => e.getAttribute("data-status")));
      expect(statuses.includes("frozen") && statuses.includes("updated"), `statuses: ${statuses.join(",")}`);
      // lin2's parameters are created by `new nn.Linear(2, 2)` on line 8 of frozen-middle.ts
      const frozen = web.locator('[data-status="frozen"]').first();
      await frozen.dblclick();
      const active = s.page.locator(".monaco-editor .line-numbers.active-line-number", { hasText: /^8$/ });
      await active.first().waitFor({ timeout: 30_000 });
    },
  },
  {
    name: "5-never-ends-timeout",
    title: "the never-ending example stops at the timeout with a clear message; the editor stays responsive",
    settings: { "gradlens.timeoutSeconds": 5 },
    async run(s) {
      await s.openFile("never-ends.ts");
      await runCheck(s);
      const rows = await problemRows(s, /did not finish|time/);
      expect(rows.some((r) => /did not finish within 5 s/.test(r)), `problems: ${rows.join(" | ")}`);
      // still responsive: another file opens and its lenses show
      await s.openFile("branch-detach.ts");
      await waitForLens(s, "backward — run the gradient-flow check");
    },
  },
  {
    name: "6-untrusted-workspace",
    title: "in an untrusted workspace the check refuses to run code and says why; static lenses still show",
    trusted: false,
    async run(s) {
      await s.openFile("branch-detach.ts");
      await waitForLens(s, "detach — run the gradient-flow check to see what it cuts");
      await s.runCommand("GradLens: Run gradient-flow check");
      await s.notification("does not run code in an untrusted workspace").first().waitFor({ timeout: 60_000 });
    },
  },
];
