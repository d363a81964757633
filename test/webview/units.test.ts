// Pure units of the panel: DOT export, the view model (collapse, fold, default collapse), the HTML.
import { describe, expect, it } from "vitest";
import { dotString, toDot } from "../../media/src/dot";
import { contentSecurityPolicy, webviewHtml } from "../../media/src/html";
import { buildModel, computeView, defaultCollapsed, searchNodes } from "../../media/src/model";
import { isExtensionToWebviewMessage, isWebviewToExtensionMessage } from "../../src/protocol/webviewMessages";
import { FIXTURES, syntheticOfSize, XSS_NAME } from "./reportBuilder";

describe("DOT export", () => {
  it("serializes nodes, nested clusters, status colours, detach and noGrad", () => {
    const dot = toDot(FIXTURES["gan.json"]());
    expect(dot.startsWith('digraph "gradlens" {\n')).toBe(true);
    expect(dot.trimEnd().endsWith("}")).toBe(true);
    // balanced braces outside strings
    const bare = dot.replace(/"(?:[^"\\]|\\.)*"/g, '""');
    expect((bare.match(/\{/g) ?? []).length).toBe((bare.match(/\}/g) ?? []).length);
    // G contains G.fc1: the G.fc1 cluster opens before G's closes
    const g = dot.indexOf('label="G (Generator)"');
    const fc1 = dot.indexOf('label="G.fc1 (Linear)"');
    expect(g).toBeGreaterThan(0);
    expect(fc1).toBeGreaterThan(g);
    expect((bare.match(/subgraph/g) ?? []).length).toBe(6);
    expect(dot).toMatch(/"param:D\.fc1\.weight" \[label="D\.fc1\.weight\\n\[16, 2\]".*fillcolor="#d7f5dd", color="#2e9e4f"/);
    const detach = dot.split("\n").filter((l) => l.includes("style=dashed"));
    expect(detach.length).toBe(1);
    expect(detach[0]).toContain('label="✂"');
    const ng = toDot(FIXTURES["chain-nograd.json"]());
    expect(ng.split("\n").filter((l) => l.includes('style="rounded,filled,dashed"')).length).toBe(3);
    const cut = toDot(FIXTURES["chain-detach.json"]());
    expect(cut).toMatch(/"param:lin0\.weight" \[[^\n]*color="#d1352b"/);
  });

  it("escapes names", () => {
    expect(dotString('a"b\\c\nd')).toBe('"a\\"b\\\\c\\nd"');
    const dot = toDot(FIXTURES["xss.json"]());
    expect(dot).toContain(dotString(`param:${XSS_NAME}`));
    expect(dot).toContain('"param:<script>alert(3)</script>.bias\\" onmouseover=\\"alert(4)"');
    // no unescaped quote inside any quoted string: every line tokenizes
    for (const line of dot.split("\n")) {
      const stripped = line.replace(/"(?:[^"\\]|\\.)*"/g, "");
      expect(stripped.includes('"'), line).toBe(false);
    }
  });

  it("marks what one backward reaches", () => {
    const dot = toDot(FIXTURES["gan.json"](), { backward: 0 });
    expect(dot).toMatch(/"param:D\.fc1\.weight" \[[^\n]*peripheries=2/);
    expect(dot).not.toMatch(/"param:G\.fc1\.weight" \[[^\n]*peripheries=2/);
  });
});

describe("view model", () => {
  it("collapsing a module aggregates its nodes and edges", () => {
    const m = buildModel(FIXTURES["gan.json"]());
    const v = computeView(m, { collapsed: new Set(["D"]), unfolded: new Set() });
    const d = v.byVid.get("m:D")!;
    expect(d.kind).toBe("module");
    expect(d.statusCounts).toEqual({ updated: 4 });
    expect([...d.backwards].sort()).toEqual([0, 1]);
    expect(v.clusters.map((c) => c.path).sort()).toEqual(["G", "G.fc1", "G.fc2"]);
    // the detach edge from G's Tanh into D survives as its own edge
    expect(v.edges.filter((e) => e.to === "m:D" && e.kind === "detach").length).toBe(1);
    expect(v.edges.every((e) => e.from !== e.to)).toBe(true);
  });

  it("folds runs of collapsed siblings of one type, and unfolds on request", () => {
    const m = buildModel(FIXTURES["chain-detach.json"]());
    const all = new Set(["lin0", "lin1", "lin2", "lin3"]);
    const v = computeView(m, { collapsed: all, unfolded: new Set() });
    const folds = v.nodes.filter((n) => n.kind === "fold");
    expect(folds.map((f) => f.label)).toEqual(["Linear × 4"]);
    const u = computeView(m, { collapsed: all, unfolded: new Set(["lin0…lin3"]) });
    expect(u.nodes.filter((n) => n.kind === "module").length).toBe(4);
    // a run of two collapsed siblings is not folded: three are
    const partial = computeView(m, { collapsed: new Set(["lin0", "lin1", "lin3"]), unfolded: new Set() });
    expect(partial.nodes.filter((n) => n.kind === "fold").map((f) => f.label)).toEqual([]);
    const three = computeView(m, { collapsed: new Set(["lin0", "lin1", "lin2"]), unfolded: new Set() });
    expect(three.nodes.filter((n) => n.kind === "fold").map((f) => f.label)).toEqual(["Linear × 3"]);
  });

  it("graphs start with the top-level modules open and everything below collapsed; large ones within the threshold, blocks folded", () => {
    const small = buildModel(FIXTURES["gan.json"]());
    expect([...defaultCollapsed(small)].sort()).toEqual(["D.fc1", "D.fc2", "G.fc1", "G.fc2"]);
    // a pair of Linear layers stays two named boxes in its cluster
    const sv = computeView(small, { collapsed: defaultCollapsed(small), unfolded: new Set() });
    expect(sv.clusters.map((c) => c.path).sort()).toEqual(["D", "G"]);
    expect(sv.nodes.filter((n) => n.kind === "module").map((n) => n.label).sort()).toEqual(["D.fc1", "D.fc2", "G.fc1", "G.fc2"]);
    expect(sv.nodes.filter((n) => n.kind === "fold")).toEqual([]);
    const m = buildModel(syntheticOfSize(2000));
    const c = defaultCollapsed(m, 300);
    const v = computeView(m, { collapsed: c, unfolded: new Set() });
    expect(v.nodes.length + v.clusters.length).toBeLessThanOrEqual(300);
    expect(v.nodes.filter((n) => n.kind === "fold").map((n) => n.label)).toEqual(["Block × 12"]);
    const big = buildModel(syntheticOfSize(20000));
    const vb = computeView(big, { collapsed: defaultCollapsed(big), unfolded: new Set() });
    expect(vb.nodes.length).toBeLessThanOrEqual(300);
  });

  it("search matches labels and qualified names", () => {
    const m = buildModel(FIXTURES["chain-frozen.json"]());
    expect(searchNodes(m, "LIN1").length).toBe(2);
    expect(searchNodes(m, "addmm").length).toBe(4);
    expect(searchNodes(m, "  ")).toEqual([]);
  });

  it("tolerates modules missing from graph.modules and parent cycles", () => {
    const r = FIXTURES["gan.json"]();
    r.graph.modules = [{ path: "A", type: "X", parent: "B" }, { path: "B", type: "Y", parent: "A" }];
    const m = buildModel(r);
    expect(m.modules.get("G.fc1")!.parent).toBe("G");
    expect(m.modules.get("G")!.type).toBe("Module");
    expect(() => computeView(m, { collapsed: new Set(), unfolded: new Set() })).not.toThrow();
  });
});

describe("webview HTML and messages", () => {
  it("has a strict CSP and nonce'd script", () => {
    const html = webviewHtml({ cspSource: "https://x.vscode-cdn.net", nonce: "abc123", scriptUri: "https://x/graph.js?a=1&b=2", styleUri: "https://x/graph.css" });
    expect(html).toContain(`content="${contentSecurityPolicy("https://x.vscode-cdn.net", "abc123").replace(/'/g, "&#39;")}"`);
    expect(contentSecurityPolicy("S", "N")).toBe(
      "default-src 'none'; img-src S data: blob:; style-src S 'nonce-N'; font-src S; script-src 'nonce-N'; connect-src S; worker-src blob:; base-uri 'none'; form-action 'none'",
    );
    expect(html).toContain('<script nonce="abc123" src="https://x/graph.js?a=1&amp;b=2"></script>');
    expect(html).not.toMatch(/<script(?![^>]*nonce)/);
    expect(() => webviewHtml({ cspSource: "s", nonce: "a'b", scriptUri: "", styleUri: "" })).toThrow();
  });

  it("validates messages both ways", () => {
    expect(isWebviewToExtensionMessage({ type: "ready" })).toBe(true);
    expect(isWebviewToExtensionMessage({ type: "reveal", site: { file: "a.ts", line: 1, column: 2 } })).toBe(true);
    expect(isWebviewToExtensionMessage({ type: "reveal", site: { file: "a.ts" } })).toBe(false);
    expect(isWebviewToExtensionMessage({ type: "exportDot", dot: 1 })).toBe(false);
    expect(isWebviewToExtensionMessage({ type: "nope" })).toBe(false);
    expect(isExtensionToWebviewMessage({ type: "report", report: FIXTURES["branch.json"](), focus: { line: 3 } })).toBe(true);
    expect(isExtensionToWebviewMessage({ type: "focus", focus: { node: "op:1" } })).toBe(true);
    expect(isExtensionToWebviewMessage({ type: "focus", focus: {} })).toBe(false);
    expect(isExtensionToWebviewMessage({ type: "report", report: {} })).toBe(false);
    expect(isExtensionToWebviewMessage({ type: "report", report: FIXTURES["gan.json"](), lossNames: ["lossD", null] })).toBe(true);
    expect(isExtensionToWebviewMessage({ type: "report", report: FIXTURES["gan.json"](), lossNames: [1] })).toBe(false);
  });
});
