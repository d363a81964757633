// The names `import { ... } from "gradlens"` may use: the engine's runtime exports. The build
// (esbuild.config.mjs) bakes them in as a constant so the CLI and the extension never load a second
// engine just to list them; running from source (vitest), the engine is imported for the list.

declare const __GRADLENS_ENGINE_EXPORTS__: string[] | undefined;

export async function engineExportNames(): Promise<string[]> {
  if (typeof __GRADLENS_ENGINE_EXPORTS__ !== "undefined") return __GRADLENS_ENGINE_EXPORTS__;
  const engine = await import("../engine/index");
  return Object.keys(engine);
}
