import * as engineOptim from "../engine/optim/index";

// Where a file makes optimizers, read from its text: a multi-phase script (train a teacher, then
// distil a student) makes its second optimizer only after the first phase, so the early stop waits
// until every optimizer the file makes has been made and has stepped.

const OPTIMIZER_CLASSES = Object.entries(engineOptim)
  .filter(([, v]) => typeof v === "function" && (v as { prototype?: unknown }).prototype instanceof engineOptim.Optimizer)
  .map(([name]) => name);

const NEW_OPTIMIZER = new RegExp(`\\bnew\\s+(?:[A-Za-z_$][\\w$]*\\.)?(?:${OPTIMIZER_CLASSES.join("|")})\\s*[(<]`);

/** 1-based lines of `new optim.SGD(...)`-like expressions, outside line and block comments. */
export function optimizerConstructionLines(lines: readonly string[]): number[] {
  const out: number[] = [];
  let inBlock = false;
  lines.forEach((raw, i) => {
    let line = raw;
    if (inBlock) {
      const end = line.indexOf("*/");
      if (end < 0) return;
      line = line.slice(end + 2);
      inBlock = false;
    }
    line = line.replace(/\/\*.*?\*\//g, "");
    const open = line.indexOf("/*");
    if (open >= 0) {
      inBlock = true;
      line = line.slice(0, open);
    }
    const comment = line.indexOf("//");
    if (comment >= 0) line = line.slice(0, comment);
    if (NEW_OPTIMIZER.test(line)) out.push(i + 1);
  });
  return out;
}
