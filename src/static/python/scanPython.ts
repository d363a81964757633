import type { Node, Parser } from "web-tree-sitter";
import type {
  OptimizerGroupSite, SourceRange, StaticScan, StaticSite, SyntaxProblem, TrainingUnit,
} from "../types";
import { pythonParser } from "./grammar";

// The static scan of a PyTorch script, with tree-sitter's Python grammar: the same StaticScan the
// TypeScript scan gives, so the lenses, diagnostics and quick fixes work on .py files unchanged.
// Names are matched as written: `x.detach()`, `torch.no_grad()` / `no_grad()` in a `with` or as a
// decorator, `torch.set_grad_enabled(False)`, `p.requires_grad = False`, `m.requires_grad_(False)`,
// `torch.optim.SGD(...)` / `optim.Adam(...)`, `loss.backward()`, `opt.step()`, `opt.zero_grad()`.
// Python sites are anchored where Python's own positions put them: the start of the call.

const OPTIMIZERS = new Set([
  "SGD", "Adam", "AdamW", "RMSprop", "Adagrad", "Adadelta", "Adamax", "NAdam", "RAdam", "ASGD", "Rprop", "LBFGS", "SparseAdam",
]);
const NO_GRAD = new Set(["no_grad", "inference_mode"]);
export const PYTHON_TOP_LEVEL = "<top level>";

const range = (n: Node): SourceRange => ({
  line: n.startPosition.row + 1,
  column: n.startPosition.column + 1,
  endLine: n.endPosition.row + 1,
  endColumn: n.endPosition.column + 1,
});

/** The last name of a dotted callee: `torch.optim.SGD` → "SGD", `no_grad` → "no_grad". */
function calleeName(call: Node): string | null {
  const f = call.childForFieldName("function");
  if (f === null) return null;
  if (f.type === "identifier") return f.text;
  if (f.type === "attribute") return f.childForFieldName("attribute")?.text ?? null;
  return null;
}

function receiverOf(call: Node): string | null {
  const f = call.childForFieldName("function");
  return f?.type === "attribute" ? f.childForFieldName("object")?.text.trim() ?? null : null;
}

function args(call: Node): Node[] {
  return (call.childForFieldName("arguments")?.namedChildren ?? []).filter((n): n is Node => n !== null);
}

/** The i-th positional argument, else the keyword argument `name`. */
function argument(call: Node, i: number, name: string): Node | null {
  const positional = args(call).filter((a) => a.type !== "keyword_argument");
  return positional[i] ?? keyword(call, name);
}

function keyword(call: Node, name: string): Node | null {
  for (const a of args(call)) {
    if (a.type === "keyword_argument" && a.childForFieldName("name")?.text === name) return a.childForFieldName("value");
  }
  return null;
}

function isFalse(n: Node | null | undefined): boolean {
  return n?.type === "false";
}

function literalNumber(n: Node | null | undefined): number | null {
  if (!n) return null;
  const text = n.type === "unary_operator" ? n.text.replace(/\s+/g, "") : n.text;
  if (n.type !== "integer" && n.type !== "float" && n.type !== "unary_operator") return null;
  const v = Number(text.replace(/_/g, ""));
  return Number.isFinite(v) ? v : null;
}

export function scanPythonSource(text: string, fileName: string, parser: Parser | null = pythonParser()): StaticScan {
  const empty = (message: string): StaticScan => ({ fileName, sites: [], trainingUnits: [], imports: {}, syntaxErrors: [{ message, line: 1, column: 1 }] });
  if (parser === null) return empty("the Python grammar is not loaded yet");
  const tree = parser.parse(text);
  if (tree === null) return empty("the Python parser gave no tree");
  try {
    const sites: Array<{ site: StaticSite; node: Node }> = [];
    const syntaxErrors: SyntaxProblem[] = [];
    const optimizerVariables = new Set<string>();
    const stepCalls: Node[] = [];
    const base = (node: Node, anchor: Node = node) => ({
      ...range(node), anchorLine: anchor.startPosition.row + 1, anchorColumn: anchor.startPosition.column + 1, inTrainingCode: false,
    });
    const region = (withNode: Node) => {
      const body = withNode.childForFieldName("body");
      return body === null ? null : range(body);
    };

    const visitCall = (call: Node) => {
      const name = calleeName(call);
      if (name === null) return;
      const receiver = receiverOf(call);
      if ((name === "detach" || name === "detach_") && receiver !== null) {
        sites.push({ node: call, site: { kind: name, ...base(call), receiver } });
      } else if (name === "backward" && receiver !== null) {
        const retain = keyword(call, "retain_graph");
        sites.push({ node: call, site: { kind: "backward", ...base(call), receiver, retainGraph: retain !== null && retain.type === "true" } });
      } else if (name === "zero_grad" && receiver !== null) {
        sites.push({ node: call, site: { kind: "zero-grad", ...base(call), receiver } });
      } else if (name === "step" && receiver !== null) {
        stepCalls.push(call);
      } else if (name === "requires_grad_" && receiver !== null && isFalse(argument(call, 0, "requires_grad"))) {
        sites.push({ node: call, site: { kind: "requires-grad-false", ...base(call), receiver, form: "method", iterates: iterated(call, receiver) } });
      } else if (NO_GRAD.has(name) || name === "enable_grad" || name === "set_grad_enabled") {
        gradRegion(call, name);
      } else if (OPTIMIZERS.has(name) && (receiver === null || /(^|\.)optim$/.test(receiver))) {
        optimizer(call, name);
      }
    };

    const gradRegion = (call: Node, name: string) => {
      if (name === "inference_mode" && isFalse(argument(call, 0, "mode"))) return;
      if (name === "set_grad_enabled" && !isFalse(argument(call, 0, "mode"))) return;
      const kind = name === "enable_grad" ? "enable-grad" : name === "set_grad_enabled" ? "set-grad-enabled-false" : "no-grad";
      // `with torch.no_grad():` covers the body; `@torch.no_grad()` the decorated function's body
      const withNode = call.parent?.type === "with_item" ? call.parent.parent?.parent ?? null : null;
      const decorated = call.parent?.type === "decorator" ? call.parent.parent?.childForFieldName("definition") ?? null : null;
      const covered = withNode?.type === "with_statement" ? region(withNode) : decorated !== null ? region(decorated) : null;
      sites.push({ node: call, site: { kind, ...base(call), receiver: receiverOf(call), region: covered } });
    };

    const optimizer = (call: Node, className: string) => {
      const assignment = call.parent?.type === "assignment" ? call.parent : null;
      const variable = assignment?.childForFieldName("left")?.text ?? null;
      if (variable !== null) optimizerVariables.add(variable);
      const first = args(call)[0];
      const groups: OptimizerGroupSite[] = [];
      if (first?.type === "list" && first.namedChildren.every((g) => g?.type === "dictionary")) {
        for (const g of first.namedChildren) {
          if (g === null) continue;
          let params = "", lr: number | null = null;
          for (const pair of g.namedChildren) {
            const key = pair?.childForFieldName("key")?.text.replace(/^["']|["']$/g, "");
            if (key === "params") params = pair!.childForFieldName("value")?.text ?? "";
            if (key === "lr") lr = literalNumber(pair!.childForFieldName("value"));
          }
          groups.push({ params, lr, line: g.startPosition.row + 1, column: g.startPosition.column + 1 });
        }
      } else if (first !== undefined && first.type !== "keyword_argument") {
        groups.push({ params: first.text, lr: null, line: first.startPosition.row + 1, column: first.startPosition.column + 1 });
      }
      sites.push({
        node: call,
        site: { kind: "optimizer", ...base(call), receiver: variable, className, variable, lr: literalNumber(argument(call, 1, "lr")), groups },
      });
    };

    const visitAssignment = (a: Node) => {
      const left = a.childForFieldName("left");
      if (left?.type !== "attribute" || left.childForFieldName("attribute")?.text !== "requires_grad" || !isFalse(a.childForFieldName("right"))) return;
      const receiver = left.childForFieldName("object")?.text.trim() ?? null;
      sites.push({ node: a, site: { kind: "requires-grad-false", ...base(a), receiver, form: "assignment", iterates: receiver === null ? null : iterated(a, receiver) } });
    };

    const walk = (n: Node) => {
      if (n.type === "call") visitCall(n);
      else if (n.type === "assignment") visitAssignment(n);
      else if (n.type === "ERROR" || n.isMissing) {
        syntaxErrors.push({ message: n.isMissing ? `missing ${n.type}` : "invalid syntax", line: n.startPosition.row + 1, column: n.startPosition.column + 1 });
      }
      for (const c of n.children) if (c !== null) walk(c);
    };
    walk(tree.rootNode);

    // `.step()` is an optimizer's when its receiver is one (a scheduler's step is not)
    for (const call of stepCalls) {
      const receiver = receiverOf(call)!;
      if (optimizerVariables.has(receiver) || /(^|\.|_)opt(imizer)?(_?\w*)?$/i.test(receiver)) {
        sites.push({ node: call, site: { kind: "step", ...base(call), receiver } });
      }
    }

    const units = trainingUnits(tree.rootNode);
    for (const { site, node } of sites) site.inTrainingCode = units.some((u) => u.node.id === enclosingFunction(node).id);
    const out = sites.map((s) => s.site);
    out.sort((a, b) => a.line - b.line || a.column - b.column || a.anchorLine - b.anchorLine || a.anchorColumn - b.anchorColumn);
    return { fileName, sites: out, trainingUnits: units.map((u) => u.unit), imports: {}, syntaxErrors };
  } finally {
    tree.delete();
  }
}

/** For a loop variable (`for p in backbone.parameters(): p.requires_grad = False`), what it iterates. */
function iterated(node: Node, receiver: string): string | null {
  for (let n: Node | null = node.parent; n !== null; n = n.parent) {
    if (n.type === "for_statement" && n.childForFieldName("left")?.text === receiver) return n.childForFieldName("right")?.text ?? null;
    if (n.type === "function_definition") return null;
  }
  return null;
}

function enclosingFunction(node: Node): Node {
  for (let n: Node | null = node.parent; n !== null; n = n.parent) {
    if (n.type === "function_definition" || n.type === "module") return n;
  }
  return node;
}

/** Functions (and the script's top level) that call backward() or step() themselves. */
function trainingUnits(root: Node): Array<{ node: Node; unit: TrainingUnit }> {
  const out: Array<{ node: Node; unit: TrainingUnit }> = [];
  const seen = new Set<number>();
  const visit = (n: Node) => {
    if (n.type === "call") {
      const name = calleeName(n);
      if ((name === "backward" || name === "step") && receiverOf(n) !== null) {
        const unit = enclosingFunction(n);
        if (!seen.has(unit.id)) {
          seen.add(unit.id);
          const name = unit.type === "module" ? PYTHON_TOP_LEVEL : unit.childForFieldName("name")?.text ?? "<function>";
          out.push({ node: unit, unit: { name, direct: true, ...range(unit) } });
        }
      }
    }
    for (const c of n.children) if (c !== null) visit(c);
  };
  visit(root);
  return out;
}
