// Names shared by the bundler (parent side) and the worker, kept apart so the worker never loads esbuild.

/** the global the worker puts the engine on, read by the user's bundle for `import ... from "gradlens"` */
export const ENGINE_GLOBAL = "__gradlens";
/** the parameter through which the worker gives the user's bundle `require` for Node built-ins */
export const REQUIRE_PARAM = "__gradlensRequire";
