// Stands in for "typescript" inside dist/extension.js (buildExtension.mjs aliases it here): the
// compiler is 3.5 MB of the bundle's 4.7 MB, and loading it took the extension host 1.5–7 s of its
// activation in code-server under load. The static scan loads it at its first use instead, after the
// extension has registered its commands and started the check's warm-up. `__esModule` is answered
// without loading, so the bundler's import helper does not load it either; LOADED says whether it is
// loaded (tests).
const LOADED = Symbol.for("gradlens.typescriptLoaded");
let ts;
module.exports = new Proxy({}, {
  get(_target, key) {
    if (key === "__esModule") return undefined;
    if (key === LOADED) return ts !== undefined;
    ts ??= require("../../../node_modules/typescript/lib/typescript.js");
    return ts[key];
  },
});
