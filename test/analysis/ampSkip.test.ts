import { describe, expect, it } from "vitest";
import { analyze } from "../../src/analysis";
import type { Trace } from "../../src/trace/schema";
import { TraceBuilder } from "./traceBuilder";
import { applyLinear, linear } from "./scenarios";

// torch's GradScaler.step(opt) calls opt.step() only when the unscaled gradients are finite; with
// inf/NaN (mixed precision's first iterations: the scale starts at 2**16) it returns without
// stepping. The PyTorch tracer records that call as a step with `skipped: true`. The canonical loop:
//   10 loss = model(x)            11 scaler.scale(loss).backward()
//   12 scaler.step(opt)           13 scaler.update()               14 opt.zero_grad()

/** The AMP loop; `skips[i]`: GradScaler skipped iteration i's step. `recordSkips: false` leaves the skipped calls out of the trace, as before the tracer knew them. */
function ampLoop(skips: boolean[], o: { recordSkips?: boolean; clear?: boolean } = {}): Trace {
  const b = new TraceBuilder("amp.py");
  const l = linear(b, "model", 3, 1, 1);
  const opt = b.optimizer("opt", "SGD", [{ params: [l.weight, l.bias], lr: 0.1 }], 2);
  for (const skipped of skips) {
    const loss = b.op("sum", [applyLinear(b, l, b.leaf("x", [4, 3], 10), 10)], 10, { shape: [] });
    b.backward(loss, 11);
    if (!skipped) b.step(opt, 12);
    else if (o.recordSkips !== false) b.skippedStep(opt, 12);
    if (o.clear !== false) b.zeroGrad({ kind: "optimizer", optimizer: opt }, 14);
  }
  return b.build();
}

const codes = (t: Trace) => analyze(t).findings.map((f) => [f.code, f.severity, f.line]);

describe("a step GradScaler skipped (inf/NaN gradients)", () => {
  it("skipped, skipped, ran, ran: the clear after a skipped step throws nothing away, no finding; the report counts the steps that ran", () => {
    const r = analyze(ampLoop([true, true, false, false]));
    expect(r.findings).toEqual([]);
    expect(r.parameters.map((p) => [p.name, p.status, p.updated])).toEqual([["model.weight", "updated", true], ["model.bias", "updated", true]]);
    expect(r.optimizers.map((o) => [o.name, o.steps, o.stepLrs])).toEqual([["opt", 2, [[0.1], [0.1]]]]);
    expect(r.complete).toBe(true);
  });

  it("the same run without the skipped records looks like zeroGrad() between micro-batches: GL002 at the clear (the control)", () => {
    expect(codes(ampLoop([true, true, false, false], { recordSkips: false }))).toEqual([["GL002", "warning", 14]]);
  });

  it("a skipped step reads but does not apply: with no clear, the next step's gradient is not one an earlier step applied", () => {
    // skipped then ran, never cleared: the step that ran applies both gradients for the first time
    expect(codes(ampLoop([true, false], { clear: false }))).toEqual([]);
    // control: two steps that ran without a clear — the second applies the first's gradient again
    expect(codes(ampLoop([false, false], { clear: false }))).toEqual([["GL005", "warning", 12]]);
  });

  it("every step skipped: nothing is updated, the run is no full iteration, and GL002 says GradScaler skipped them instead of advising a freeze", () => {
    const r = analyze(ampLoop([true, true, true]));
    expect(r.complete).toBe(false);
    expect(r.optimizers.map((o) => [o.steps, o.updated, o.notUpdated])).toEqual([[0, [], ["model.weight", "model.bias"]]]);
    expect(r.parameters.map((p) => [p.status, p.updated, p.cause?.kind])).toEqual([
      ["grad-not-applied", false, "not-stepped"],
      ["grad-not-applied", false, "not-stepped"],
    ]);
    expect(r.parameters[0].cause?.message).toBe("model.weight gets a gradient, but GradScaler skipped every opt.step() of the run (inf or NaN gradients each time)");
    const gl002 = r.findings.filter((f) => f.code === "GL002");
    expect(gl002.map((f) => [f.severity, f.line, f.parameters])).toEqual([["warning", 2, ["model.weight", "model.bias"]]]);
    expect(gl002[0].message).toBe(
      "backward() computes a gradient for model.weight and model.bias that is never applied (GradScaler skipped every opt.step() of the run: " +
        "the gradients were inf or NaN each time); look for what overflows or turns NaN in the loss, or start GradScaler at a lower init_scale",
    );
  });
});
