import { parse, type Node } from "acorn";
import * as engineOptim from "../engine/optim/index";
import type { Site } from "./schema";
import type { PositionMapper } from "./sites";

// Where the user's code makes optimizers, read from the syntax tree of the bundle that runs (esbuild's
// JavaScript: every user file, TypeScript already stripped) and mapped back to the user's lines: a
// multi-phase script (train a teacher, then distil a student) makes its second optimizer only after
// the first phase, so the early stop waits until every optimizer the code makes has been made and has
// stepped. Comments, strings and line breaks inside the expression cannot fool a syntax tree.

const OPTIMIZER_CLASSES = new Set(
  Object.entries(engineOptim)
    .filter(([, v]) => typeof v === "function" && (v as { prototype?: unknown }).prototype instanceof engineOptim.Optimizer)
    .map(([name]) => name),
);

type AnyNode = Node & Record<string, unknown>;

function isNode(v: unknown): v is AnyNode {
  return typeof v === "object" && v !== null && typeof (v as { type?: unknown }).type === "string";
}

function* walk(node: AnyNode): Generator<AnyNode> {
  yield node;
  for (const key of Object.keys(node)) {
    const v = node[key];
    if (Array.isArray(v)) {
      for (const c of v) if (isNode(c)) yield* walk(c);
    } else if (isNode(v)) yield* walk(v);
  }
}

/** `x.SGD`, `x["SGD"]` → "SGD"; anything else → null. */
function memberName(n: AnyNode): string | null {
  if (n.type !== "MemberExpression") return null;
  const property = n.property as AnyNode;
  if (n.computed !== true && property.type === "Identifier") return property.name as string;
  if (n.computed === true && property.type === "Literal" && typeof property.value === "string") return property.value;
  return null;
}

/**
 * Local names bound to an optimizer class. The bundle reads the engine's exports as
 * `const e7 = g["SGD"]` and user code keeps `const { Adam } = optim` or `const Opt = optim.AdamW`:
 * a declaration whose value is a member named like an optimizer class, or another such name.
 */
function optimizerBindings(nodes: readonly AnyNode[]): Set<string> {
  const names = new Set<string>();
  for (let pass = 0; pass < 2; pass++) {
    for (const n of nodes) {
      if (n.type !== "VariableDeclarator") continue;
      const id = n.id as AnyNode;
      const init = n.init as AnyNode | null;
      if (init === null) continue;
      if (id.type === "Identifier") {
        const from = memberName(init) ?? (init.type === "Identifier" && names.has(init.name as string) ? (init.name as string) : null);
        if (from !== null && (OPTIMIZER_CLASSES.has(from) || names.has(from))) names.add(id.name as string);
      } else if (id.type === "ObjectPattern") {
        for (const p of id.properties as AnyNode[]) {
          const key = p.key as AnyNode | undefined;
          const value = p.value as AnyNode | undefined;
          if (p.type === "Property" && key?.type === "Identifier" && value?.type === "Identifier" && OPTIMIZER_CLASSES.has(key.name as string)) {
            names.add(value.name as string);
          }
        }
      }
    }
  }
  return names;
}

/** The user's sites of `new optim.Adam(...)`-like expressions in the bundle's code (mapped through its source map). */
export function optimizerConstructionSites(code: string, positions: PositionMapper): Site[] {
  let tree: AnyNode;
  try {
    tree = parse(code, {
      ecmaVersion: "latest", sourceType: "module", locations: true,
      allowAwaitOutsideFunction: true, allowReturnOutsideFunction: true, allowHashBang: true,
    }) as unknown as AnyNode;
  } catch {
    return []; // esbuild's own output: unparsable only if acorn lags behind the syntax; then no wait
  }
  const nodes = [...walk(tree)];
  const bound = optimizerBindings(nodes);
  const out: Site[] = [];
  for (const n of nodes) {
    if (n.type !== "NewExpression") continue;
    const callee = n.callee as AnyNode;
    // a bare name is the engine's class only through a binding (the bundle renames imports to e7)
    const makesOptimizer = callee.type === "Identifier" ? bound.has(callee.name as string) : OPTIMIZER_CLASSES.has(memberName(callee) ?? "");
    if (!makesOptimizer) continue;
    const start = n.loc!.start;
    const site = positions.map(start.line, start.column + 1);
    if (site !== null && !out.some((s) => s.file === site.file && s.line === site.line)) out.push(site);
  }
  return out;
}

/** esbuild-style output of a small training script (the engine stub's reads first, as bundle.ts writes
 *  them): what a warm-up parse should exercise. */
const WARM_UP_CODE = `var g = globalThis.x;
${Array.from({ length: 60 }, (_, i) => `var e${i + 4} = g["name${i}"];`).join("\n")}
var e1 = g["nn"];
var e2 = g["optim"];
var e3 = g["randn"];
// a.ts
var Net = class extends e1.Module {
  constructor(n = 4) { super(); this.fc = new e1.Linear(n, 2); }
  forward(x) { return this.fc.forward(x).relu(); }
};
__name(Net, "Net");
const { SGD } = e2;
var model = new Net(), opt = new SGD(model.parameters(), { lr: 0.1 }), losses = [];
for (let step = 0; step < 3; step++) {
  opt.zeroGrad();
  const loss = model.forward(e3(8, 4)).sum();
  loss.backward();
  opt.step();
  losses.push(\`\${step}: \${loss.item().toFixed(3)}\`);
}
await Promise.all([1, 2].map(async (i) => i * 2 ?? null));
if (losses.length !== 3 || !(model instanceof Net)) throw new Error("x");
`;

/**
 * Runs the parser a few times on a small script: its first run is ~100× slower than its sixth (V8
 * compiles and optimizes the parser as it runs), so a child started ahead of its check pays that while
 * it waits for its input. Returns the last run's sites.
 */
export function warmUpOptimizerSites(runs = 5): Site[] {
  let sites: Site[] = [];
  for (let i = 0; i < runs; i++) sites = optimizerConstructionSites(WARM_UP_CODE, { map: (line, column) => ({ file: "warm-up.js", line, column }) });
  return sites;
}
