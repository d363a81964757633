// What a user must see in VS Code, as data shared by both end-to-end suites: the code-server one
// (test/e2e/scenarios.mjs, through the DOM) and the @vscode/test-electron one (test/electron/suite,
// through the VS Code API). Lines and columns are 1-based, as the Problems panel shows them; the
// positions are those of the diagnostic ranges (src/extension/core/diagnostics.ts rangeAt), which
// start at the static site (`optG.step()` starts at `optG`, col 3), not at the finding's column.

/** Before a check: one entry lens on the first site (src/extension/core/lenses.ts entryTitle). */
export const staticLens = {
  /** branch-detach.ts: the entry lens on its first site (`pq.backward(…)`, line 14); `title` as the API gives it, `text` as the editor shows it (icon drawn) */
  branchDetach: {
    line: 14,
    title: "$(pulse) GradLens: run the gradient-flow check to see what 1 cut and 4 backward() calls do",
    text: "GradLens: run the gradient-flow check to see what 1 cut and 4 backward() calls do",
  },
  /** a substring every entry lens has */
  any: "run the gradient-flow check",
};

export const expectations = {
  staticCodeLens: {
    file: "branch-detach.ts",
    lens: staticLens.branchDetach,
  },

  checkFromPalette: {
    file: "branch-detach.ts",
    paletteTitle: "GradLens: Run gradient-flow check",
    /** the detach lens after the check: the cut parameter still gets gradient from another loss */
    lensAfter: { line: 22, includes: "cuts gradient to x", pattern: /gets? gradient from/, mark: "✓" },
    /** the entry lens's site (`pq.backward(…)`, line 14) after the check: what that backward() reached (x and q) */
    entrySiteAfter: { line: 14, text: "reaches 2 parameters" },
    /** two backward() calls accumulate into x: reported at `w.backward()` */
    findings: [{ code: "GL005", severity: "warning", line: 15, column: 1 }],
    /** the status bar counts parameters by status; all four here are "grad-not-applied" */
    statusBar: /GradLens: .*not applied/,
    parameterStatus: "grad-not-applied",
  },

  ganQuickFix: {
    file: "gan-no-detach.ts",
    findings: [
      { code: "GL006", severity: "error", line: 29, column: 3 }, // optG.step() applies D's gradient to G
      { code: "GL011", severity: "info", line: 20, column: 18 }, // G.forward(z) feeds lossD, whose backward() also reaches G
    ],
    /** the finding whose quick fix the scenario applies */
    fixFor: "GL006",
    quickFixTitle: /Add \.detach\(\) to/,
    fixedText: "D.forward(fake.detach())",
    /** the line of the new detach(): its lens is only drawn while that line is in view */
    fixedLine: 21,
    /** codes that must be gone after the fix, the save and a re-run */
    goneAfterFix: ["GL006", "GL011"],
    /** after the re-run, the lens on the new detach() states that G still gets gradient from lossG */
    lensAfterFix: "they get gradient from lossG",
    failedStatus: /run failed/,
  },

  graphPanel: {
    file: "frozen-middle.ts",
    paletteTitle: "GradLens: Show computation graph",
    /** statuses the graph colours; both must be present */
    statuses: ["frozen", "updated"],
    /** lin2 (frozen) is created by `new nn.Linear(2, 2)` on this line: double-clicking it reveals it */
    frozenParameters: ["lin2.weight", "lin2.bias"],
    frozenDefinedOnLine: 8,
    panelTitle: "Graph: frozen-middle.ts",
    /** the webview panel's viewType (src/extension/host/graphPanel.ts) */
    viewType: "gradlens.graph",
  },

  neverEndsTimeout: {
    file: "never-ends.ts",
    settings: { "gradlens.timeoutSeconds": 5 },
    code: "run-timeout",
    /** a Problems row about the failure, then its exact wording */
    problemFilter: /did not finish|time/,
    message: /did not finish within 5 s/,
    /** afterwards another file opens and its static lenses show */
    thenFile: "branch-detach.ts",
    thenLens: staticLens.any,
  },

  editKeepsLenses: {
    file: "branch-detach.ts",
    /** the detach lens's fact after the check, which one Enter at the top must not turn back into "run the check" */
    lensAfter: "cuts gradient to x",
    /** lines the edit inserts above everything */
    inserted: 1,
  },

  unsavedBuffer: {
    file: "frozen-middle.ts",
    /** `lin2.requiresGrad_(false);`: commented out in the editor and never saved */
    freezeLine: 10,
    /** before the edit the status bar counts lin2's two parameters as frozen; the buffer's run has none */
    statusBefore: /GradLens: .*2 frozen/,
    statusAfter: /GradLens: (?!.*frozen)/,
  },

  ignoreQuickFix: {
    file: "gan-no-detach.ts",
    code: "GL006",
    title: "Ignore GL006 on this line",
    inserted: "// gradlens-ignore GL006",
  },

  findingDocs: {
    file: "gan-no-detach.ts",
    code: "GL006",
    /** its section of docs/findings.md, as the Markdown preview renders it */
    heading: "GL006 Optimizer steps with gradient left from another loss",
    previewTab: "Preview findings.md",
  },

  untrustedWorkspace: {
    file: "branch-detach.ts",
    lens: staticLens.branchDetach,
    /** the warning the check shows instead of running (src/extension/host/checkCommand.ts UNTRUSTED_MESSAGE) */
    message: /does not run code in an untrusted workspace/,
    /** the same, as text for the notification locator */
    messageText: "does not run code in an untrusted workspace",
  },
};

/** "Ln 29, Col 3": how the Problems panel prints a finding's position. */
export function problemsPosition(finding) {
  return `Ln ${finding.line}, Col ${finding.column}`;
}
