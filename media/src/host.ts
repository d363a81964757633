// The page's host: VS Code (acquireVsCodeApi) or a plain browser page (standalone.html, tests).

import type { WebviewToExtensionMessage } from "../../src/protocol/webviewMessages";

interface VsCodeApi {
  postMessage(message: unknown): void;
  getState(): unknown;
  setState(state: unknown): void;
}
declare const acquireVsCodeApi: (() => VsCodeApi) | undefined;

export interface Host {
  readonly standalone: boolean;
  post(msg: WebviewToExtensionMessage): void;
  getState<T>(): T | undefined;
  setState<T>(s: T): void;
}

declare global {
  interface Window {
    /** standalone: every message the page would have posted to the extension */
    __GRADLENS_MESSAGES__?: WebviewToExtensionMessage[];
  }
}

export function createHost(): Host {
  if (typeof acquireVsCodeApi === "function") {
    const api = acquireVsCodeApi();
    return {
      standalone: false,
      post: (m) => api.postMessage(m),
      getState: <T>() => (api.getState() as T | undefined) ?? undefined,
      setState: (s) => api.setState(s),
    };
  }
  const key = "gradlens.graph.state";
  const sent: WebviewToExtensionMessage[] = (window.__GRADLENS_MESSAGES__ ??= []);
  return {
    standalone: true,
    post(m) {
      sent.push(m);
      window.dispatchEvent(new CustomEvent("gradlens:post", { detail: m }));
      if (m.type === "exportSvg") download("graph.svg", m.svg, "image/svg+xml");
      else if (m.type === "exportDot") download("graph.dot", m.dot, "text/vnd.graphviz");
      else if (m.type === "reveal") console.info(`GradLens: reveal ${m.site.file}:${m.site.line}:${m.site.column}`);
    },
    getState<T>() {
      try {
        const s = sessionStorage.getItem(key);
        return s ? (JSON.parse(s) as T) : undefined;
      } catch {
        return undefined;
      }
    },
    setState(s) {
      try {
        sessionStorage.setItem(key, JSON.stringify(s));
      } catch {
        /* storage unavailable (file://, sandbox) */
      }
    },
  };
}

function download(name: string, text: string, type: string) {
  const a = document.createElement("a");
  const url = URL.createObjectURL(new Blob([text], { type }));
  a.href = url;
  a.download = name;
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}
