import { TraceBuilder } from "./traceBuilder";
import type { Trace } from "../../src/trace/schema";

// Hand-built traces of the article's scenarios, line numbers as in a small model file.

export interface Lin {
  module: number;
  weight: number;
  bias: number;
}

export function linear(b: TraceBuilder, path: string, inF: number, outF: number, line: number, parent: number | null = null): Lin {
  const module = b.module(path, "Linear", line, parent);
  return { module, weight: b.param(module, "weight", [outF, inF], line), bias: b.param(module, "bias", [outF], line) };
}

export function applyLinear(b: TraceBuilder, lin: Lin, x: number, line: number): number {
  return b.linear(x, lin.weight, lin.bias, line, lin.module);
}

/**
 * lin0..lin3 = Linear(2, 2) at lines 1-4; opt = SGD(all, lr 0.1) at line 5; x at line 8;
 * x1..x4 at lines 9-12; loss at 13, backward at 14, step at 15.
 * Variants: detach after lin1 (line 10 → x2.detach() at line 11), lin2 frozen (lines 6-7),
 * lin1 under noGrad (line 10).
 */
export function chain(variant: "plain" | "detach" | "frozen" | "noGrad"): Trace {
  const b = new TraceBuilder();
  const lins = [0, 1, 2, 3].map((i) => linear(b, `lin${i}`, 2, 2, i + 1));
  const opt = b.optimizer("opt", "SGD", [{ params: lins.flatMap((l) => [l.weight, l.bias]), lr: 0.1 }], 5);
  if (variant === "frozen") {
    b.setRequiresGrad(lins[2].weight, false, 6);
    b.setRequiresGrad(lins[2].bias, false, 7);
  }
  const x = b.leaf("x", [2, 2], 8);
  const x1 = applyLinear(b, lins[0], x, 9);
  let x2 = variant === "noGrad" ? b.noGrad(10, 10, () => applyLinear(b, lins[1], x1, 10)) : applyLinear(b, lins[1], x1, 10);
  if (variant === "detach") x2 = b.detach(x2, 11);
  const x3 = applyLinear(b, lins[2], x2, 12);
  const x4 = applyLinear(b, lins[3], x3, 12);
  const loss = b.op("sum", [x4], 13, { shape: [] });
  b.zeroGrad({ kind: "optimizer", optimizer: opt }, 13);
  b.backward(loss, 14);
  b.step(opt, 15);
  return b.build();
}

/**
 * GAN: G = fc1, fc2 (lines 1-2), D = fc1, fc2 (lines 3-4), optG line 5, optD line 6.
 * Loop of `iterations`:
 *   line 10 fake = G(z)
 *   line 11 optD.zeroGrad()
 *   line 12 lossD = D(real) + D(fake.detach())      (buggy: D(fake))
 *   line 13 lossD.backward()
 *   line 14 optD.step()
 *   line 15 optG.zeroGrad()                        (buggy: missing)
 *   line 16 lossG = D(fake)
 *   line 17 lossG.backward()
 *   line 18 optG.step()
 */
export function gan(buggy: boolean, iterations = 2): Trace {
  const b = new TraceBuilder("gan.ts");
  const G = b.module("G", "Generator", 1);
  const g1 = linear(b, "G.fc1", 2, 4, 1, G), g2 = linear(b, "G.fc2", 4, 2, 2, G);
  const D = b.module("D", "Discriminator", 3);
  const d1 = linear(b, "D.fc1", 2, 4, 3, D), d2 = linear(b, "D.fc2", 4, 1, 4, D);
  const optG = b.optimizer("optG", "Adam", [{ params: b.paramsUnder(G), lr: 2e-4 }], 5);
  const optD = b.optimizer("optD", "Adam", [{ params: b.paramsUnder(D), lr: 2e-4 }], 6);
  const runD = (x: number, line: number) => {
    const h = b.relu(applyLinear(b, d1, x, line), line, d1.module);
    return applyLinear(b, d2, h, line);
  };
  for (let it = 0; it < iterations; it++) {
    const z = b.leaf(`z#${it + 1}`, [8, 2], 9);
    const real = b.leaf(`real#${it + 1}`, [8, 2], 9);
    const fake = applyLinear(b, g2, b.relu(applyLinear(b, g1, z, 10), 10, g1.module), 10);
    b.zeroGrad({ kind: "optimizer", optimizer: optD }, 11);
    const dFake = runD(buggy ? fake : b.detach(fake, 12), 12);
    const lossD = b.op("add", [b.op("mean", [runD(real, 12)], 12, { shape: [] }), b.op("mean", [dFake], 12, { shape: [] })], 12, { shape: [] });
    b.backward(lossD, 13);
    b.step(optD, 14);
    if (!buggy) b.zeroGrad({ kind: "optimizer", optimizer: optG }, 15);
    const lossG = b.op("mean", [runD(fake, 16)], 16, { shape: [] });
    b.backward(lossG, 17);
    b.step(optG, 18);
  }
  return b.build();
}

/** memory.json's model: A → B → C, each Sequential(Linear(256, 256), ReLU()), x [64, 256], loss = out.sum(). */
export function abcTrace(setting: "all_trainable" | "A_frozen" | "B_frozen" | "no_grad"): Trace {
  const b = new TraceBuilder("abc.ts");
  const blocks = ["A", "B", "C"].map((name, i) => {
    const seq = b.module(name, "Sequential", i + 1);
    return { seq, lin: linear(b, `${name}.0`, 256, 256, i + 1, seq), relu: b.module(`${name}.1`, "ReLU", i + 1, seq) };
  });
  const frozen = setting === "A_frozen" ? 0 : setting === "B_frozen" ? 1 : -1;
  if (frozen >= 0) b.moduleRequiresGrad(blocks[frozen].seq, false, 5);
  const x = b.leaf("x", [64, 256], 6);
  const forward = () => {
    let h = x;
    for (const blk of blocks) h = b.relu(b.linear(h, blk.lin.weight, blk.lin.bias, 7, blk.lin.module), 7, blk.relu);
    return b.op("sum", [h], 7, { shape: [] });
  };
  if (setting === "no_grad") {
    b.noGrad(7, 7, forward);
  } else {
    b.backward(forward(), 8);
  }
  return b.build();
}
