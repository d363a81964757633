import { describe, expect, it } from "vitest";
import { analyze } from "../../src/analysis";
import { TraceBuilder } from "./traceBuilder";
import { applyLinear, linear } from "./scenarios";

// Which optimizers a backward() is "for": every one in the run of steps after it, before the next
// backward(). GL006 (a step applies gradient left by another optimizer's loss) rests on it.

/**
 * enc (line 1) → dec (line 2); encOpt line 3, decOpt line 4. Per iteration: both zeroGrad (5, 6),
 * one loss through both (7), backward (8), then the steps in `order` at lines 9 and 10.
 */
function encoderDecoder(order: Array<"enc" | "dec">, iterations = 2, stopBeforeLastSteps = false) {
  const b = new TraceBuilder("seq2seq.ts");
  const enc = linear(b, "enc", 2, 2, 1);
  const dec = linear(b, "dec", 2, 1, 2);
  // a decoder part that only the decoder's input reaches (its embedding): no encoder parameter behind it
  const emb = linear(b, "decEmb", 2, 1, 2);
  const opts = {
    enc: b.optimizer("encOpt", "Adam", [{ params: [enc.weight, enc.bias], lr: 0.001 }], 3),
    dec: b.optimizer("decOpt", "Adam", [{ params: [dec.weight, dec.bias, emb.weight, emb.bias], lr: 0.001 }], 4),
  };
  for (let i = 0; i < iterations; i++) {
    b.zeroGrad({ kind: "optimizer", optimizer: opts.enc }, 5);
    b.zeroGrad({ kind: "optimizer", optimizer: opts.dec }, 6);
    const out = b.op("add", [applyLinear(b, dec, applyLinear(b, enc, b.leaf("x", [4, 2], 7), 7), 7), applyLinear(b, emb, b.leaf("y", [4, 2], 7), 7)], 7);
    const loss = b.op("sum", [out], 7, { shape: [] });
    b.backward(loss, 8);
    if (!stopBeforeLastSteps || i < iterations - 1) order.forEach((o, k) => b.step(opts[o], 9 + k));
  }
  const trace = b.build();
  // the step budget stops the run in front of the first step of the last iteration (its site)
  if (stopBeforeLastSteps) trace.stopped = { reason: "step-budget", message: "stopped", file: "seq2seq.ts", line: 9, column: 5 };
  return analyze(trace);
}

describe("one loss, several optimizers stepping after it", () => {
  it("encoder and decoder optimizers both step after one backward() (the seq2seq tutorial): no GL006, in either order", () => {
    for (const order of [["enc", "dec"], ["dec", "enc"]] as const) {
      const r = encoderDecoder([...order]);
      expect(r.parameters.map((p) => p.status)).toEqual(Array(6).fill("updated"));
      expect(r.findings).toEqual([]);
    }
  });

  it("stopped in front of the first of the two steps: the last backward() is still for both (its line's last run was): no GL011, no GL006", () => {
    const r = encoderDecoder(["enc", "dec"], 2, true);
    expect(r.stopped.reason).toBe("step-budget");
    expect(r.findings).toEqual([]);
  });

  it("a loss stepped by the first optimizer, then another loss's backward() before the second step: still GL006 (the GAN without detach)", () => {
    const b = new TraceBuilder("gan.ts");
    const g = linear(b, "G", 2, 2, 1);
    const d = linear(b, "D", 2, 1, 2);
    const optD = b.optimizer("optD", "Adam", [{ params: [d.weight, d.bias], lr: 0.001 }], 3);
    const optG = b.optimizer("optG", "Adam", [{ params: [g.weight, g.bias], lr: 0.001 }], 4);
    b.zeroGrad({ kind: "optimizer", optimizer: optD }, 5);
    b.zeroGrad({ kind: "optimizer", optimizer: optG }, 6);
    const fake = applyLinear(b, g, b.leaf("z", [4, 2], 7), 7);
    b.backward(b.op("sum", [applyLinear(b, d, fake, 8)], 8, { shape: [] }), 9);
    b.step(optD, 10);
    b.backward(b.op("sum", [applyLinear(b, d, fake, 11)], 11, { shape: [] }), 12);
    b.step(optG, 13);
    const r = analyze(b.build());
    const gl006 = r.findings.filter((f) => f.code === "GL006");
    expect(gl006.map((f) => [f.line, f.parameters])).toEqual([[13, ["G.weight", "G.bias"]]]);
    expect(gl006[0].message).toContain("gan.ts:9, which was meant for optD");
  });
});
