// Which local names refer to the engine's API. Users may alias (`import { noGrad as ng }`), import
// the module whole (`import * as gl`, then `gl.noGrad`, `gl.optim.SGD`) or, in .js/.cts files,
// `require` it. Files that do not import the engine at all (snippets, relative engine paths) fall
// back to the API's own names, so the scan still works on them.
import ts from "typescript";

export interface EngineBindings {
  /** Local identifier → exported name: "ng" → "noGrad", "o" → "optim". */
  named: Map<string, string>;
  /** Local identifiers bound to the module itself. */
  namespaces: Set<string>;
  /** No engine import was found: the API's own names are taken at face value. */
  implicit: boolean;
}

export const OPTIMIZER_CLASSES: ReadonlySet<string> = new Set([
  "SGD", "Adam", "AdamW", "RMSprop", "Adagrad", "Adadelta", "Adamax", "NAdam", "RAdam", "LBFGS", "ASGD", "Rprop",
]);

const IMPLICIT_NAMES: ReadonlySet<string> = new Set([
  "noGrad", "enableGrad", "setGradEnabled", "optim", ...OPTIMIZER_CLASSES,
]);

export function isEngineModule(specifier: string, extraModules: readonly string[] = []): boolean {
  return specifier === "gradlens" || specifier.startsWith("gradlens/") || extraModules.includes(specifier);
}

export function collectEngineBindings(sourceFile: ts.SourceFile, extraModules: readonly string[] = []): EngineBindings {
  const named = new Map<string, string>();
  const namespaces = new Set<string>();
  let found = false;
  const isEngine = (node: ts.Node | undefined): boolean =>
    !!node && ts.isStringLiteralLike(node) && isEngineModule(node.text, extraModules);

  for (const statement of sourceFile.statements) {
    if (ts.isImportDeclaration(statement) && isEngine(statement.moduleSpecifier)) {
      found = true;
      const clause = statement.importClause;
      if (!clause) continue;
      if (clause.name) namespaces.add(clause.name.text); // default import, treated as the module
      const bindings = clause.namedBindings;
      if (bindings && ts.isNamespaceImport(bindings)) namespaces.add(bindings.name.text);
      if (bindings && ts.isNamedImports(bindings)) {
        for (const element of bindings.elements) {
          named.set(element.name.text, (element.propertyName ?? element.name).text);
        }
      }
    } else if (ts.isImportEqualsDeclaration(statement)) {
      const ref = statement.moduleReference;
      if (ts.isExternalModuleReference(ref) && isEngine(ref.expression)) {
        found = true;
        namespaces.add(statement.name.text);
      }
    } else if (ts.isVariableStatement(statement)) {
      for (const declaration of statement.declarationList.declarations) {
        if (!isRequireOfEngine(declaration.initializer, isEngine)) continue;
        found = true;
        bindRequire(declaration.name, named, namespaces);
      }
    }
  }
  return { named, namespaces, implicit: !found };
}

function isRequireOfEngine(node: ts.Expression | undefined, isEngine: (n: ts.Node) => boolean): boolean {
  return (
    !!node &&
    ts.isCallExpression(node) &&
    ts.isIdentifier(node.expression) &&
    node.expression.text === "require" &&
    node.arguments.length === 1 &&
    isEngine(node.arguments[0])
  );
}

function bindRequire(name: ts.BindingName, named: Map<string, string>, namespaces: Set<string>): void {
  if (ts.isIdentifier(name)) {
    namespaces.add(name.text);
    return;
  }
  if (!ts.isObjectBindingPattern(name)) return;
  for (const element of name.elements) {
    if (!ts.isIdentifier(element.name)) continue;
    const exported = element.propertyName && ts.isIdentifier(element.propertyName) ? element.propertyName.text : element.name.text;
    named.set(element.name.text, exported);
  }
}

/**
 * The expression's path inside the engine module, or null when it is not the engine's:
 * `gl.optim.SGD` → ["optim", "SGD"], `ng` → ["noGrad"], `gl` → [].
 */
export function enginePathOf(expression: ts.Expression, bindings: EngineBindings): string[] | null {
  const inner = skipWrappers(expression);
  if (ts.isIdentifier(inner)) {
    if (bindings.namespaces.has(inner.text)) return [];
    const exported = bindings.named.get(inner.text);
    if (exported !== undefined) return [exported];
    return bindings.implicit && IMPLICIT_NAMES.has(inner.text) ? [inner.text] : null;
  }
  if (ts.isPropertyAccessExpression(inner) && ts.isIdentifier(inner.name)) {
    const base = enginePathOf(inner.expression, bindings);
    return base === null ? null : [...base, inner.name.text];
  }
  return null;
}

/** The optimizer class an engine path names ("SGD"), or null. */
export function optimizerClassOf(path: readonly string[]): string | null {
  const last = path[path.length - 1];
  if (last === undefined) return null;
  if (OPTIMIZER_CLASSES.has(last)) return last;
  // Any capitalised member of `optim` other than the base class and the lr schedulers, which live
  // beside the optimizers (optim.LambdaLR, SequentialLR, ReduceLROnPlateau, CosineAnnealingWarmRestarts,
  // ChainedScheduler), is an optimizer (custom ones too).
  const viaOptim = path.length >= 2 && path[path.length - 2] === "optim";
  return viaOptim && /^[A-Z]/.test(last) && last !== "Optimizer" && !isScheduler(last) ? last : null;
}

function isScheduler(className: string): boolean {
  return /LR$|LROnPlateau$|Scheduler$|WarmRestarts$/.test(className);
}

/** Local → canonical names, for StaticScan.imports. Namespaces map to "*". */
export function describeBindings(bindings: EngineBindings): Record<string, string> {
  const out: Record<string, string> = {};
  for (const name of bindings.namespaces) out[name] = "*";
  for (const [local, exported] of bindings.named) out[local] = exported;
  return out;
}

export function skipWrappers(expression: ts.Expression): ts.Expression {
  let e = expression;
  while (ts.isParenthesizedExpression(e) || ts.isNonNullExpression(e) || ts.isAsExpression(e) || ts.isSatisfiesExpression(e)) {
    e = e.expression;
  }
  return e;
}
