// Smoke test of a built extension bundle without VS Code: loads it with a permissive stand-in for
// the "vscode" module, calls activate() and deactivate(), and prints the registered commands. Catches
// what unit tests cannot: a bundle that fails to load (a require of a package the .vsix does not ship,
// top-level code that throws). Usage: node src/extension/tools/smokeLoad.cjs [dist/extension.js]
const Module = require("node:module");
const { readdirSync, readFileSync, statSync } = require("node:fs");
const { join, resolve } = require("node:path");

const root = resolve(__dirname, "../../..");
const bundle = resolve(process.argv[2] || join(root, "dist/extension.js"));

/** Every `vscode.X` the extension uses: the stand-in must list them (esbuild copies own keys). */
function apiNames(dir) {
  const names = new Set();
  for (const entry of readdirSync(dir)) {
    const p = join(dir, entry);
    if (statSync(p).isDirectory()) apiNames(p).forEach((n) => names.add(n));
    else if (p.endsWith(".ts")) for (const m of readFileSync(p, "utf8").matchAll(/vscode\.([A-Za-z]+)/g)) names.add(m[1]);
  }
  return names;
}

const registered = [];
function standIn(path) {
  return new Proxy(function () {}, {
    get(_t, prop) {
      if (prop === "then") return undefined;
      if (prop === Symbol.hasInstance) return () => false;
      if (prop === Symbol.toPrimitive) return () => path;
      return standIn(`${path}.${String(prop)}`);
    },
    set: () => true,
    apply(_t, _this, args) {
      if (path.endsWith(".registerCommand")) registered.push(args[0]);
      return standIn(`${path}()`);
    },
    construct: () => standIn(`new ${path}`),
  });
}
const vscode = {};
for (const n of apiNames(join(root, "src/extension"))) vscode[n] = standIn(`vscode.${n}`);
const load = Module._load;
Module._load = function (request, ...rest) {
  return request === "vscode" ? vscode : load.call(this, request, ...rest);
};

const t0 = Date.now();
const ext = require(bundle);
const loadedMs = Date.now() - t0;
ext.activate({ subscriptions: [], extensionUri: standIn("extensionUri"), extensionPath: resolve(bundle, "../..") });
Promise.resolve(ext.deactivate()).then(() => {
  console.log(`loaded in ${loadedMs} ms, activated, registered: ${registered.join(", ")}`);
  if (registered.length === 0) process.exit(1);
});
