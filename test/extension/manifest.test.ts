// The manifest (package.json contributes/activation) agrees with the code, and the .vsix holds only
// what runs (the file list `vsce ls` computes from .vscodeignore).
import { execFileSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { GUTTER_STATUSES } from "../../src/extension/core/gutter";
import { DEFAULT_SETTINGS, SETTING_KEYS } from "../../src/extension/core/settings";
import { extensionManifest } from "../../src/extension/tools/packageVsix.mjs";

const root = fileURLToPath(new URL("../..", import.meta.url));
const pkg = JSON.parse(readFileSync(join(root, "package.json"), "utf8"));

describe("package.json contributes", () => {
  it("walkthrough: every step's page exists and is packaged, and its command links name contributed commands", () => {
    const commands = new Set(pkg.contributes.commands.map((c: { command: string }) => c.command));
    const [walkthrough] = pkg.contributes.walkthroughs;
    expect(walkthrough.steps.map((s: { id: string }) => s.id)).toEqual(["open", "check", "lens", "graph"]);
    const ignore = readFileSync(join(root, ".vscodeignore"), "utf8");
    for (const step of walkthrough.steps) {
      expect(existsSync(join(root, step.media.markdown)), step.media.markdown).toBe(true);
      expect(ignore).toContain(`!${step.media.markdown.replace(/[^/]+$/, "")}**`);
      for (const [, id] of (step.description as string).matchAll(/\(command:([\w.]+)\)/g)) expect(commands.has(id), id).toBe(true);
    }
  });

  it("side view: a GradLens container in the activity bar with its packaged icon, holding the view the extension creates", () => {
    const [container] = pkg.contributes.viewsContainers.activitybar;
    expect(container).toMatchObject({ id: "gradlens", title: "GradLens" });
    expect(readFileSync(join(root, container.icon), "utf8")).toMatch(/^<svg xmlns="http:\/\/www.w3.org\/2000\/svg"/);
    expect(pkg.contributes.views.gradlens.map((v: { id: string }) => v.id)).toEqual(["gradlens.report"]);
    expect(readFileSync(join(root, "src/extension/host/sideView.ts"), "utf8")).toContain('createTreeView("gradlens.report"');
  });

  it("the TypeScript server plugin is contributed by the name the build packages", () => {
    const build = readFileSync(join(root, "src/extension/tools/buildExtension.mjs"), "utf8");
    expect(pkg.contributes.typescriptServerPlugins).toEqual([{ name: "gradlens-ts-plugin", enableForWorkspaceTypeScriptVersions: true }]);
    expect(build).toContain('name: "gradlens-ts-plugin"');
  });

  it("settings: the same keys and defaults as core/settings.ts", () => {
    const props = pkg.contributes.configuration.properties;
    const expected = Object.fromEntries(
      (Object.keys(SETTING_KEYS) as Array<keyof typeof SETTING_KEYS>).map((k) => [`gradlens.${SETTING_KEYS[k]}`, DEFAULT_SETTINGS[k]]),
    );
    expect(Object.fromEntries(Object.entries(props).map(([k, v]) => [k, (v as { default: unknown }).default]))).toEqual(expected);
  });

  it("commands: contributed ones are the registered ones; check sits in the editor title and has a key", () => {
    const source = readFileSync(join(root, "src/extension/extension.ts"), "utf8");
    const registered = [...source.matchAll(/registerCommand\("([^"]+)"/g)].map((m) => m[1]).sort();
    expect(pkg.contributes.commands.map((c: { command: string }) => c.command).sort()).toEqual(registered);
    expect(registered).toEqual(["gradlens.check", "gradlens.createExample", "gradlens.listParameters", "gradlens.openFindingDocs", "gradlens.showGraph"]);
    // Commands with arguments (a lens's parameters, a finding code) are not for the palette.
    const palette = pkg.contributes.menus.commandPalette;
    for (const id of ["gradlens.listParameters", "gradlens.openFindingDocs"]) expect(palette).toContainEqual({ command: id, when: "false" });
    expect(pkg.contributes.menus["editor/title"]).toEqual([expect.objectContaining({ command: "gradlens.check", group: "navigation" })]);
    // Only on files that use the engine (a context key the extension sets for the active editor).
    expect(pkg.contributes.menus["editor/title"][0].when).toBe("gradlens.isModelFile");
    expect(pkg.contributes.keybindings[0]).toMatchObject({ command: "gradlens.check", key: "ctrl+alt+g" });
  });

  it("activation: TypeScript and Python files, the commands and the side view only, never *", () => {
    expect(pkg.activationEvents).not.toContain("*");
    for (const e of pkg.activationEvents) expect(e).toMatch(/^(onLanguage:(typescript|typescriptreact|javascript|python)|onCommand:gradlens\.\w+|onView:gradlens\.report)$/);
    // npm's main is the engine; the .vsix gets its own manifest at package time (packageVsix.mjs)
    expect(extensionManifest(pkg).main).toBe("./dist/extension.js");
  });

  it("icons: light and dark gutter icons per status, theme colours for the overview ruler, a PNG icon", () => {
    for (const status of GUTTER_STATUSES) {
      for (const theme of ["light", "dark"]) {
        const svg = readFileSync(join(root, "media/icons", `${status}-${theme}.svg`), "utf8");
        expect(svg).toMatch(/^<svg xmlns="http:\/\/www.w3.org\/2000\/svg" width="16" height="16"/);
      }
    }
    const colors = pkg.contributes.colors.map((c: { id: string }) => c.id);
    expect(colors).toHaveLength(GUTTER_STATUSES.length);
    const gutterSource = readFileSync(join(root, "src/extension/host/gutterView.ts"), "utf8");
    for (const id of colors) expect(gutterSource).toContain(`"${id}"`);
    expect(readFileSync(join(root, pkg.icon)).subarray(1, 4).toString()).toBe("PNG");
  });
});

describe("vsix contents (vsce ls)", () => {
  it("only the bundles, the bundler (native or wasm), engine types, media, docs and the manifest", () => {
    const vsce = join(root, "node_modules/@vscode/vsce/vsce");
    const files = execFileSync(process.execPath, [vsce, "ls", "--no-dependencies"], { cwd: root, encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] })
      .split("\n")
      .map((l) => l.trim())
      .filter(Boolean);
    const allowed = [
      /^dist\/(extension|worker)\.js$/,
      /^dist\/gradlens_tracer\.py$/, // the PyTorch backend's tracer
      /^dist\/tree-sitter(-python)?\.wasm$/, // the Python parser for the static lenses
      /^dist\/esbuild-wasm\/(package\.json|LICENSE\.md|lib\/main\.js|bin\/esbuild|esbuild\.wasm|wasm_exec(_node)?\.js)$/,
      /^dist\/esbuild-native\/(package\.json|LICENSE\.md|lib\/main\.js|bin\/esbuild(\.exe)?)$/, // a per-platform .vsix's bundler
      /^dist\/types\/gradlens\/(.+\.d\.ts|package\.json)$/,
      /^media\/dist\/(graph|elk-worker|elk\.bundled)\.js$/,
      /^media\/graph\.css$/,
      /^media\/icons\/[a-z-]+\.(svg|png)$/,
      /^media\/walkthrough\/[a-z-]+\.md$/,
      /^docs\/findings\.md$/,
      /^docs\/images\/[a-z-]+\.png$/, // the README's screenshots, shown in the Extensions view
      /^(package\.json|README\.md|LICENSE)$/,
    ];
    for (const f of files) expect(allowed.some((r) => r.test(f)), f).toBe(true);
    for (const required of ["package.json", "media/walkthrough/check.md", "docs/findings.md", "docs/images/check.png", "media/icons/icon.png", "media/icons/cut-dark.svg"]) expect(files).toContain(required);
    // Built artefacts that exist must ship.
    for (const built of ["dist/extension.js", "dist/worker.js", "dist/esbuild-wasm/esbuild.wasm", "dist/types/gradlens/index.d.ts", "media/dist/graph.js"]) {
      if (existsSync(join(root, built))) expect(files).toContain(built);
    }
  });
});
