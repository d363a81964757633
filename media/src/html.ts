// The webview's HTML document for VS Code. Pure (no vscode import): the extension passes the
// webview's cspSource, a fresh nonce and the webview URIs of media/dist/graph.js and media/graph.css.
//
// The script derives the URLs of media/dist/elk-worker.js (ELK layout in a Web Worker, started from
// a blob: URL made from the fetched script, hence `connect-src` + `worker-src blob:`) and of
// media/dist/elk.bundled.js (main-thread fallback, loaded with the same nonce) from its own URL, so
// the three files must sit side by side in media/dist/.

export interface WebviewHtmlOptions {
  /** webview.cspSource */
  cspSource: string;
  /** a random token, fresh for every document (base64 / alphanumerics) */
  nonce: string;
  /** webview URI of media/dist/graph.js */
  scriptUri: string;
  /** webview URI of media/graph.css */
  styleUri: string;
  title?: string;
}

export function escapeHtmlAttr(s: string): string {
  return s
    .replace(/&/g, "&amp;")
    .replace(/"/g, "&quot;")
    .replace(/'/g, "&#39;")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;");
}

export function contentSecurityPolicy(cspSource: string, nonce: string): string {
  const n = `'nonce-${nonce}'`;
  return [
    "default-src 'none'",
    `img-src ${cspSource} data: blob:`,
    `style-src ${cspSource} ${n}`,
    `font-src ${cspSource}`,
    `script-src ${n}`,
    `connect-src ${cspSource}`,
    "worker-src blob:",
    "base-uri 'none'",
    "form-action 'none'",
  ].join("; ");
}

export function webviewHtml(opts: WebviewHtmlOptions): string {
  if (!/^[A-Za-z0-9+/=_-]+$/.test(opts.nonce)) throw new Error("webviewHtml: nonce must be base64 or alphanumeric");
  const a = escapeHtmlAttr;
  const csp = contentSecurityPolicy(opts.cspSource, opts.nonce);
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${a(csp)}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<link rel="stylesheet" href="${a(opts.styleUri)}" nonce="${a(opts.nonce)}">
<title>${a(opts.title ?? "GradLens: computation graph")}</title>
</head>
<body>
<div id="gradlens-root"></div>
<script nonce="${a(opts.nonce)}" src="${a(opts.scriptUri)}"></script>
</body>
</html>
`;
}
