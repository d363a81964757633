// "GradLens: Show computation graph": one webview panel (media/dist/graph.js) showing a report,
// focused on a line when opened from a CodeLens. It follows the active editor: switching to another
// checked file (or a module file a check saw) shows that file's report. Messages from the webview are
// validated.
import { randomBytes } from "node:crypto";
import * as vscode from "vscode";
import { webviewHtml } from "../../../media/src/html";
import { lossNamesOf } from "../../../media/src/labels";
import type { Report } from "../../protocol/report";
import {
  isWebviewToExtensionMessage,
  type ExtensionToWebviewMessage,
  type WebviewFocus,
} from "../../protocol/webviewMessages";
import { revealable } from "../core/revealable";
import { fileUri } from "./convert";

export class GraphPanel implements vscode.Disposable {
  private panel: vscode.WebviewPanel | null = null;
  private report: Report | null = null;
  private focus: WebviewFocus | undefined;
  private ready = false;
  private readonly subscriptions: vscode.Disposable[] = [];

  /** `reportOf`: the report that stands for a document (its own, or the checked file's that imports it) */
  constructor(
    private readonly extensionUri: vscode.Uri,
    private readonly reportOf: (doc: vscode.TextDocument) => Report | null = () => null,
  ) {
    this.subscriptions.push(vscode.window.onDidChangeActiveTextEditor((editor) => void this.follow(editor)));
  }

  get isOpen(): boolean {
    return this.panel !== null;
  }

  show(report: Report, focus?: WebviewFocus): void {
    this.report = report;
    this.focus = focus;
    if (!this.panel) this.panel = this.create();
    else this.panel.reveal(vscode.ViewColumn.Beside, true);
    this.panel.title = titleOf(report);
    if (this.ready) void this.postReport(report, focus);
  }

  /** A new report of the file on show, or of the active editor's file: refresh the open panel without stealing focus. */
  update(report: Report): void {
    if (!this.panel) return;
    const active = vscode.window.activeTextEditor?.document;
    const followed = active ? this.reportOf(active) : null;
    if (report !== followed && this.report?.file !== report.file) return;
    this.report = report;
    this.focus = undefined;
    this.panel.title = titleOf(report);
    if (this.ready) void this.postReport(report);
  }

  /** The active editor changed: show its report (an editor with none, or the panel itself, changes nothing). */
  private follow(editor: vscode.TextEditor | undefined): void {
    if (!this.panel || !editor || editor.document.uri.scheme !== "file") return;
    const report = this.reportOf(editor.document);
    if (!report || report === this.report) return;
    this.report = report;
    this.focus = undefined;
    this.panel.title = titleOf(report);
    if (this.ready) void this.postReport(report);
  }

  private posts = 0;
  private async postReport(report: Report, focus?: WebviewFocus): Promise<void> {
    const n = ++this.posts;
    const names = await lossNames(report);
    // a later report (the user switched editors meanwhile) wins
    if (n === this.posts) this.post({ type: "report", report, focus, lossNames: names });
  }

  private post(message: ExtensionToWebviewMessage): void {
    void this.panel?.webview.postMessage(message);
  }

  private create(): vscode.WebviewPanel {
    const media = vscode.Uri.joinPath(this.extensionUri, "media");
    const panel = vscode.window.createWebviewPanel("gradlens.graph", "GradLens graph", { viewColumn: vscode.ViewColumn.Beside, preserveFocus: true }, {
      enableScripts: true,
      localResourceRoots: [media],
    });
    const webview = panel.webview;
    webview.html = webviewHtml({
      cspSource: webview.cspSource,
      nonce: randomBytes(16).toString("base64url"),
      scriptUri: webview.asWebviewUri(vscode.Uri.joinPath(media, "dist", "graph.js")).toString(),
      styleUri: webview.asWebviewUri(vscode.Uri.joinPath(media, "graph.css")).toString(),
    });
    this.ready = false;
    webview.onDidReceiveMessage((m: unknown) => void this.receive(m));
    panel.onDidDispose(() => {
      this.panel = null;
      this.ready = false;
    });
    return panel;
  }

  private async receive(message: unknown): Promise<void> {
    if (!isWebviewToExtensionMessage(message)) return;
    switch (message.type) {
      case "ready":
        this.ready = true;
        if (this.report) void this.postReport(this.report, this.focus);
        return;
      case "reveal": {
        const site = revealable(this.report, message.site);
        if (!site) return;
        const { file, line, column } = site;
        const doc = await vscode.workspace.openTextDocument(fileUri(file));
        const at = new vscode.Position(Math.max(line - 1, 0), Math.max(column - 1, 0));
        await vscode.window.showTextDocument(doc, { viewColumn: vscode.ViewColumn.One, selection: new vscode.Range(at, at) });
        return;
      }
      case "exportSvg":
      case "exportDot": {
        const ext = message.type === "exportSvg" ? "svg" : "dot";
        const base = (this.report?.file ?? "graph").replace(/\.[^.\\/]+$/, "");
        const target = await vscode.window.showSaveDialog({ defaultUri: vscode.Uri.file(`${base}.graph.${ext}`), filters: { [ext.toUpperCase()]: [ext] } });
        if (target) await vscode.workspace.fs.writeFile(target, Buffer.from(message.type === "exportSvg" ? message.svg : message.dot, "utf8"));
        return;
      }
    }
  }

  dispose(): void {
    this.panel?.dispose();
    for (const d of this.subscriptions) d.dispose();
  }
}

function titleOf(report: Report): string {
  return `Graph: ${report.file.split(/[\\/]/).pop()}`;
}

/** The loss each backward() was called on, from the source (the open document's text, else the file's). */
async function lossNames(report: Report): Promise<Array<string | null>> {
  const texts = new Map<string, string[] | null>();
  for (const b of report.backwards) {
    if (texts.has(b.file)) continue;
    try {
      const doc = await vscode.workspace.openTextDocument(fileUri(b.file));
      texts.set(b.file, doc.getText().split(/\r?\n/));
    } catch {
      texts.set(b.file, null);
    }
  }
  return lossNamesOf(report, (file, line) => texts.get(file)?.[line - 1] ?? null);
}
