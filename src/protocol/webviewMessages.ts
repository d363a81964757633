// Messages between the extension host and the computation-graph webview (media/src/graph.ts).
// Both directions are discriminated unions on `type`. The webview posts `ready` once its script has
// started; the extension answers with a `report` (and may send it again whenever a new check ran).

import type { Report, SourceSite } from "./report";

/** What to bring into view: the nodes created at a source line of the report's file, or one node by id. */
export type WebviewFocus = { line: number; file?: string } | { node: string };

/** extension → webview */
export type ExtensionToWebviewMessage =
  /** lossNames: per backward index, the loss it was called on (`lossD` of `lossD.backward()`), read by the host from the source */
  | { type: "report"; report: Report; focus?: WebviewFocus; lossNames?: Array<string | null> }
  | { type: "focus"; focus: WebviewFocus };

/** webview → extension */
export type WebviewToExtensionMessage =
  | { type: "ready" }
  /** the user double-clicked a node (or clicked its source link): open the file at the site */
  | { type: "reveal"; site: SourceSite }
  /** a standalone SVG document of the current view, with colours resolved */
  | { type: "exportSvg"; svg: string }
  /** Graphviz DOT text of the whole graph */
  | { type: "exportDot"; dot: string };

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null;
}

export function isSourceSite(v: unknown): v is SourceSite {
  return (
    isObject(v) &&
    typeof v.file === "string" &&
    Number.isInteger(v.line) &&
    Number.isInteger(v.column)
  );
}

export function isWebviewFocus(v: unknown): v is WebviewFocus {
  if (!isObject(v)) return false;
  if (typeof v.node === "string") return true;
  return typeof v.line === "number" && (v.file === undefined || typeof v.file === "string");
}

/** Shallow structural check, for the webview to validate what it receives. */
export function isExtensionToWebviewMessage(v: unknown): v is ExtensionToWebviewMessage {
  if (!isObject(v)) return false;
  switch (v.type) {
    case "report":
      return (
        isObject(v.report) &&
        isObject(v.report.graph) &&
        Array.isArray((v.report.graph as Record<string, unknown>).nodes) &&
        (v.focus === undefined || isWebviewFocus(v.focus)) &&
        (v.lossNames === undefined || (Array.isArray(v.lossNames) && v.lossNames.every((n) => n === null || typeof n === "string")))
      );
    case "focus":
      return isWebviewFocus(v.focus);
    default:
      return false;
  }
}

/** Check for the extension side: messages from a webview are untrusted input. */
export function isWebviewToExtensionMessage(v: unknown): v is WebviewToExtensionMessage {
  if (!isObject(v)) return false;
  switch (v.type) {
    case "ready":
      return true;
    case "reveal":
      return isSourceSite(v.site);
    case "exportSvg":
      return typeof v.svg === "string";
    case "exportDot":
      return typeof v.dot === "string";
    default:
      return false;
  }
}
