// "GradLens: Show computation graph": one webview panel (media/dist/graph.js) showing the last report,
// focused on a line when opened from a CodeLens. Messages from the webview are validated.
import { randomBytes } from "node:crypto";
import * as vscode from "vscode";
import { webviewHtml } from "../../../media/src/html";
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

  constructor(private readonly extensionUri: vscode.Uri) {}

  get isOpen(): boolean {
    return this.panel !== null;
  }

  show(report: Report, focus?: WebviewFocus): void {
    this.report = report;
    this.focus = focus;
    if (!this.panel) this.panel = this.create();
    else this.panel.reveal(vscode.ViewColumn.Beside, true);
    this.panel.title = `Graph: ${report.file.split(/[\\/]/).pop()}`;
    if (this.ready) this.post({ type: "report", report, focus });
  }

  /** A new report of the file on show: refresh the open panel without stealing focus. */
  update(report: Report): void {
    if (!this.panel || !this.report || this.report.file !== report.file) return;
    this.report = report;
    if (this.ready) this.post({ type: "report", report });
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
        if (this.report) this.post({ type: "report", report: this.report, focus: this.focus });
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
  }
}
