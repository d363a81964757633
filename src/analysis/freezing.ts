import type { OpInput, OpRecord } from "../trace/schema";
import type { TraceIndex } from "./traceIndex";

// What the measured graph would save for backward with every parameter under one top-level module
// frozen (see memory.ts): requiresGrad is propagated again over the graph, and each node keeps what
// it would save then. Asked for up to MAX_FREEZING_ANSWERS modules, each a pass over the whole
// graph: everything that does not depend on the module (which input is which, which saved tensor
// is whose factor) is worked out once, into flat arrays, so a pass is a tight loop over numbers.

/** Nodes that save each factor only for the other factor's gradient. */
const BILINEAR = new Set(["AddmmBackward0", "MmBackward0", "BmmBackward0", "MulBackward0", "MatmulBackward0", "LinearBackward0"]);
/** Of those, the ones whose 1-D input (the bias) is not a factor. */
const WITH_BIAS = new Set(["AddmmBackward0", "LinearBackward0"]);

// An input, as a number: ≥ 0, made by the graph's op at that position (needs grad if that op does);
// NEVER: made outside the graph, or a leaf that does not require grad; ALWAYS: a leaf that requires
// grad and is no module's parameter; ≤ PARAM_OF(0): a parameter of top-level module t, PARAM_OF(t).
const NEVER = -1;
const ALWAYS = -2;
const PARAM_OF = (top: number): number => -3 - top;

export class FreezingModel {
  private readonly topIds = new Map<string, number>();
  private readonly gradFn: Uint8Array;
  private readonly inputStart: Int32Array;
  private readonly inputCode: Int32Array;
  private readonly savedStart: Int32Array;
  private readonly savedTensor: Int32Array;
  private readonly savedBytes: Float64Array;
  /** per saved tensor: -1 kept whenever its node needs grad; else its factors' start in factorCode */
  private readonly factorStart: Int32Array;
  private readonly factorEnd: Int32Array;
  private readonly factorCode: Int32Array;
  private readonly tensorCount: number;

  constructor(private readonly index: TraceIndex, ops: readonly OpRecord[]) {
    const position = new Map<number, number>();
    ops.forEach((op, p) => position.set(op.id, p));
    const code = (input: OpInput): number => {
      if (input.producer !== null) return position.get(input.producer) ?? NEVER;
      if (!input.requiresGrad) return NEVER;
      const top = index.paramByTensor.get(input.tensor)?.topLevel;
      if (top === null || top === undefined) return ALWAYS;
      let t = this.topIds.get(top);
      if (t === undefined) this.topIds.set(top, (t = this.topIds.size));
      return PARAM_OF(t);
    };
    const tensors = new Map<number, number>();
    const inputs: number[] = [];
    const saved: number[] = [];
    const bytes: number[] = [];
    const fStart: number[] = [];
    const fEnd: number[] = [];
    const factors: number[] = [];
    this.gradFn = new Uint8Array(ops.length);
    this.inputStart = new Int32Array(ops.length + 1);
    this.savedStart = new Int32Array(ops.length + 1);
    ops.forEach((op, p) => {
      this.gradFn[p] = op.gradFn === null ? 0 : 1;
      this.inputStart[p] = inputs.length;
      for (const x of op.inputs) inputs.push(code(x));
      this.savedStart[p] = saved.length;
      const bilinear = op.gradFn !== null && BILINEAR.has(op.gradFn);
      for (const s of op.saved) {
        let t = tensors.get(s.tensor);
        if (t === undefined) tensors.set(s.tensor, (t = tensors.size));
        saved.push(t);
        bytes.push(s.bytes);
        // which input this saved tensor is: it is kept only for another factor's gradient
        let j = bilinear ? op.inputs.findIndex((x) => x.tensor === s.tensor) : -1;
        if (bilinear && j < 0 && s.isParameter) j = op.inputs.findIndex((x) => x.producer === null && index.paramByTensor.has(x.tensor));
        if (j < 0) {
          fStart.push(-1);
          fEnd.push(-1);
          continue;
        }
        fStart.push(factors.length);
        op.inputs.forEach((x, k) => {
          if (k !== j && this.isFactor(op, x)) factors.push(code(x));
        });
        fEnd.push(factors.length);
      }
    });
    this.inputStart[ops.length] = inputs.length;
    this.savedStart[ops.length] = saved.length;
    this.inputCode = Int32Array.from(inputs);
    this.savedTensor = Int32Array.from(saved);
    this.savedBytes = Float64Array.from(bytes);
    this.factorStart = Int32Array.from(fStart);
    this.factorEnd = Int32Array.from(fEnd);
    this.factorCode = Int32Array.from(factors);
    this.tensorCount = tensors.size;
  }

  /** Saved bytes of the graph with every parameter under `module` frozen, each tensor counted once. */
  totalIfFrozen(module: string): number {
    const frozen = this.topIds.get(module) ?? -1;
    const frozenCode = frozen < 0 ? 0 : PARAM_OF(frozen); // 0 is an op position, never a parameter's code
    const n = this.gradFn.length;
    const needsGrad = new Uint8Array(n);
    const needs = (c: number): boolean => (c >= 0 ? needsGrad[c] === 1 : c !== NEVER && (c === ALWAYS || c !== frozenCode));
    for (let p = 0; p < n; p++) {
      if (this.gradFn[p] === 0) continue;
      for (let i = this.inputStart[p]; i < this.inputStart[p + 1]; i++) {
        if (needs(this.inputCode[i])) {
          needsGrad[p] = 1;
          break;
        }
      }
    }
    const seen = new Uint8Array(this.tensorCount);
    let total = 0;
    for (let p = 0; p < n; p++) {
      for (let s = this.savedStart[p]; s < this.savedStart[p + 1]; s++) {
        const t = this.savedTensor[s];
        if (seen[t] === 1 || needsGrad[p] === 0) continue;
        if (this.factorStart[s] >= 0) {
          let other = false;
          for (let f = this.factorStart[s]; f < this.factorEnd[s] && !other; f++) other = needs(this.factorCode[f]);
          if (!other) continue;
        }
        seen[t] = 1;
        total += this.savedBytes[s];
      }
    }
    return total;
  }

  private isFactor(op: OpRecord, input: OpInput): boolean {
    if (!WITH_BIAS.has(op.gradFn ?? "")) return true;
    const shape =
      input.producer !== null ? this.index.trace.ops[input.producer]?.shape : this.index.leafByTensor.get(input.tensor)?.shape;
    return shape === undefined || shape.length >= 2;
  }
}
