// TypeScript server plugin (contributes.typescriptServerPlugins): `import … from "gradlens"` resolves
// to the engine declarations bundled with the extension, in any workspace, with no tsconfig or
// per-folder setup — only when the import does not resolve on its own (a project that installed the
// npm package keeps its own copy). Packaged as node_modules/gradlens-ts-plugin/ in the .vsix, next
// to dist/types/gradlens/ (see tools/buildExtension.mjs). It never imports "typescript" itself: it
// uses the one tsserver hands it.
import { join } from "node:path";
import type * as ts from "typescript";

/** Plugin configuration (tsconfig `plugins` entry or configurePlugin): another declarations file. */
interface Config {
  typesFile?: string;
}

type Literals = Parameters<NonNullable<ts.LanguageServiceHost["resolveModuleNameLiterals"]>>;

const ENGINE = "gradlens";

function init(modules: { typescript: typeof ts }): ts.server.PluginModule {
  const typescript = modules.typescript;
  let typesFile = join(__dirname, "..", "..", "dist", "types", "gradlens", "index.d.ts");

  const resolved = (): ts.ResolvedModuleFull => ({
    resolvedFileName: typesFile,
    extension: typesFile.endsWith(".d.ts") ? typescript.Extension.Dts : typescript.Extension.Ts,
    isExternalLibraryImport: true,
  });

  function create(info: ts.server.PluginCreateInfo): ts.LanguageService {
    const config = info.config as Config | undefined;
    if (config?.typesFile) typesFile = config.typesFile;
    const host = info.languageServiceHost;
    const literals = host.resolveModuleNameLiterals?.bind(host);
    if (literals) {
      host.resolveModuleNameLiterals = (...args: Literals) =>
        literals(...args).map((r, i) => (args[0][i]!.text === ENGINE && !r.resolvedModule ? { resolvedModule: resolved() } : r));
    }
    const names = host.resolveModuleNames?.bind(host);
    if (names) {
      host.resolveModuleNames = (moduleNames, ...rest) =>
        names(moduleNames, ...rest).map((r, i) => (moduleNames[i] === ENGINE && !r ? resolved() : r));
    }
    return info.languageService;
  }

  return {
    create,
    onConfigurationChanged(config: Config) {
      if (config?.typesFile) typesFile = config.typesFile;
    },
  };
}

// tsserver calls the module itself (`module.exports`); the build unwraps this default export (footer).
export default init;
