// One pre-order walk over the syntax tree that every analysis of the scan rides on, so a scan
// costs a single traversal. It also sets parent pointers as it descends: the parse skips its own
// parent pass (it is a whole extra traversal), and every ancestor of the node being entered
// already has its parent when a visitor looks upward (the entered node's children do not yet:
// look up from the entered node, never from one of its children).
import ts from "typescript";

export interface TreeVisitor {
  enter(node: ts.Node): void;
  leave?(node: ts.Node): void;
}

export function walkTree(sourceFile: ts.SourceFile, visitors: readonly TreeVisitor[]): void {
  let current: ts.Node = sourceFile;
  const visit = (node: ts.Node): void => {
    // The same assignment the compiler's own setParentNodes pass makes.
    (node as { parent: ts.Node }).parent = current;
    for (const visitor of visitors) visitor.enter(node);
    const saved = current;
    current = node;
    ts.forEachChild(node, visit);
    current = saved;
    for (const visitor of visitors) visitor.leave?.(node);
  };
  ts.forEachChild(sourceFile, visit);
}
