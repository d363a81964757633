// "Wrap in noGrad": for code that must not be recorded, e.g. a manual in-place update of a parameter
// (`w.sub_(...)` raises "a leaf Variable that requires grad is being used in an in-place operation").
import ts from "typescript";
import { indentAt, insertAt, offsetOf, replaceNode, statementAt } from "./ast";
import type { FixBuilder, FixContext } from "./context";
import type { TextEditSpec } from "./ast";

/** The local name of the engine's noGrad, and the edit that imports it when the file lacks it. */
function noGradName(ctx: FixContext): { name: string; edit: TextEditSpec | null } {
  const local = Object.entries(ctx.scan.imports).find(([, canonical]) => canonical === "noGrad");
  if (local) return { name: local[0], edit: null };
  for (const st of ctx.source.sf.statements) {
    if (!ts.isImportDeclaration(st) || !ts.isStringLiteral(st.moduleSpecifier) || st.moduleSpecifier.text !== "gradlens") continue;
    const named = st.importClause?.namedBindings;
    if (named && ts.isNamedImports(named) && named.elements.length) {
      return { name: "noGrad", edit: insertAt(ctx.source, named.elements.at(-1)!.getEnd(), ", noGrad") };
    }
  }
  return { name: "noGrad", edit: insertAt(ctx.source, 0, 'import { noGrad } from "gradlens";\n') };
}

export const wrapInNoGrad: FixBuilder = (ctx) => {
  const src = ctx.source;
  const statement = statementAt(src, offsetOf(src, ctx.finding.line, Math.max(ctx.finding.column, 1)));
  if (!statement || ts.isFunctionDeclaration(statement) || ts.isClassDeclaration(statement) || ts.isImportDeclaration(statement)) return null;
  const { name, edit } = noGradName(ctx);
  let wrapped: TextEditSpec;
  const decl = ts.isVariableStatement(statement) ? statement.declarationList.declarations : null;
  if (decl && decl.length === 1 && decl[0]!.initializer) {
    // `const y = f(x);` → `const y = noGrad(() => f(x));`: y stays visible after the wrap.
    const init = decl[0]!.initializer;
    wrapped = replaceNode(src, init, `${name}(() => ${init.getText(src.sf)})`);
  } else if (ts.isVariableStatement(statement)) {
    return null;
  } else {
    const indent = indentAt(src, statement.getStart(src.sf));
    const body = statement.getText(src.sf).split("\n").map((l, i) => (i === 0 ? `${indent}  ${l}` : `  ${l}`)).join("\n");
    wrapped = replaceNode(src, statement, `${name}(() => {\n${body}\n${indent}});`);
    // replaceNode starts after the indentation; the body line carries its own.
    wrapped.newText = wrapped.newText.replace(`{\n${indent}  `, `{\n${indent}  `);
  }
  return { title: `Wrap in \`${name}(() => …)\` so it is not recorded for backward`, edits: edit ? [edit, wrapped] : [wrapped] };
};
