// The "GradLens" side view (activity bar): core/sideView.ts's nodes for the active editor's report,
// status colours from the theme colours the gutter uses; clicking a node reveals its line.
import * as vscode from "vscode";
import { buildSideView, type SideNode } from "../core/sideView";
import type { GradLensState } from "./state";

const STATUS_COLOR: Record<string, string> = {
  updated: "gradlens.updatedForeground",
  "grad-not-applied": "gradlens.gradNotAppliedForeground",
  frozen: "gradlens.frozenForeground",
  cut: "gradlens.cutForeground",
  unused: "gradlens.unusedForeground",
};

function iconOf(node: SideNode): vscode.ThemeIcon | undefined {
  switch (node.icon) {
    case undefined: return undefined;
    case "module": return new vscode.ThemeIcon("symbol-class");
    case "backward": return new vscode.ThemeIcon("arrow-left");
    case "error": return new vscode.ThemeIcon("error", new vscode.ThemeColor("problemsErrorIcon.foreground"));
    case "warning": return new vscode.ThemeIcon("warning", new vscode.ThemeColor("problemsWarningIcon.foreground"));
    case "info": return new vscode.ThemeIcon("info", new vscode.ThemeColor("problemsInfoIcon.foreground"));
    case "frozen": return new vscode.ThemeIcon("lock", new vscode.ThemeColor(STATUS_COLOR.frozen!));
    default: return new vscode.ThemeIcon("circle-filled", new vscode.ThemeColor(STATUS_COLOR[node.icon]!));
  }
}

export class SideView implements vscode.TreeDataProvider<SideNode>, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChangeTreeData = this.changed.event;
  private readonly subscriptions: vscode.Disposable[];
  private readonly view: vscode.TreeView<SideNode>;

  constructor(private readonly state: GradLensState) {
    this.view = vscode.window.createTreeView("gradlens.report", { treeDataProvider: this, showCollapseAll: true });
    this.subscriptions = [
      this.view,
      this.changed,
      state.onDidChange(() => this.changed.fire()),
      vscode.window.onDidChangeActiveTextEditor((editor) => {
        // Follow the active editor; a non-file editor (output, settings) keeps the last view.
        if (editor && editor.document.uri.scheme === "file") this.changed.fire();
      }),
    ];
  }

  private document: vscode.TextDocument | undefined;

  getChildren(node?: SideNode): SideNode[] {
    if (node) return node.children ?? [];
    const active = vscode.window.activeTextEditor?.document;
    if (active && active.uri.scheme === "file") this.document = active;
    const doc = this.document;
    const view = doc ? this.state.viewOf(doc) : null;
    this.view.message = view ? undefined : "Run the gradient-flow check on a model file to see its parameters here.";
    this.view.description = view ? `${doc!.uri.path.split("/").pop()}${view.via ? ` (via ${view.report.file.split(/[\\/]/).pop()})` : ""}` : undefined;
    if (!view || !doc) return [];
    return buildSideView(view.report, this.state.scanOf(doc));
  }

  getTreeItem(node: SideNode): vscode.TreeItem {
    const state = !node.children?.length
      ? vscode.TreeItemCollapsibleState.None
      : node.expanded
        ? vscode.TreeItemCollapsibleState.Expanded
        : vscode.TreeItemCollapsibleState.Collapsed;
    const item = new vscode.TreeItem(node.label, state);
    item.description = node.description;
    item.tooltip = node.tooltip;
    item.iconPath = iconOf(node);
    if (node.site) {
      const at = new vscode.Position(Math.max(node.site.line - 1, 0), Math.max(node.site.column - 1, 0));
      item.command = { title: "Go to the line", command: "vscode.open", arguments: [vscode.Uri.file(node.site.file), { selection: new vscode.Range(at, at) }] };
    }
    return item;
  }

  dispose(): void {
    for (const s of this.subscriptions) s.dispose();
  }
}
