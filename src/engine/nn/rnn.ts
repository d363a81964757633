import type { Tensor } from "../tensor";
import type { DType } from "../dtype";
import { add, mul, sub } from "../ops/binary";
import { sigmoid, tanh, relu } from "../ops/unary";
import { stack, cat, chunk } from "../ops/indexing";
import { select, transpose, unsqueeze, squeeze } from "../ops/shapeOps";
import { flip } from "../ops/shapeExtra";
import { linear } from "../functional/linear";
import { dropout } from "../functional/activation";
import { zerosOf } from "../functional/raw";
import { checkOptions } from "../options";
import { Module } from "./module";
import { Parameter } from "./parameter";
import { uniform_ } from "./init";

// nn.RNN / LSTM / GRU and their cells, with PyTorch's parameter names (weight_ih_l0, bias_hh_l0,
// ..._reverse), gate order (LSTM: i, f, g, o; GRU: r, z, n), init U(−1/√H, 1/√H), batchFirst,
// bidirectional and inter-layer dropout. The time loop is made of linear / sigmoid / tanh ops.

export interface RNNOptions {
  numLayers?: number; nonlinearity?: "tanh" | "relu"; bias?: boolean; batchFirst?: boolean;
  dropout?: number; bidirectional?: boolean; projSize?: number; dtype?: DType;
}
const SPEC = { numLayers: "int", nonlinearity: "str", bias: "bool", batchFirst: "bool", dropout: "float", bidirectional: "bool", projSize: "int", dtype: "str" };

type Mode = "RNN_TANH" | "RNN_RELU" | "LSTM" | "GRU";
const GATES: Record<Mode, number> = { RNN_TANH: 1, RNN_RELU: 1, LSTM: 4, GRU: 3 };

/** One time step of a cell; h (and c for LSTM) are [B, H]. */
function cellStep(
  mode: Mode, x: Tensor, h: Tensor, c: Tensor | null, wih: Tensor, whh: Tensor, bih: Tensor | null, bhh: Tensor | null, whr: Tensor | null = null,
): [Tensor, Tensor | null] {
  const gi = linear(x, wih, bih), gh = linear(h, whh, bhh);
  if (mode === "RNN_TANH") return [tanh(add(gi, gh)), null];
  if (mode === "RNN_RELU") return [relu(add(gi, gh)), null];
  if (mode === "LSTM") {
    const [i, f, g, o] = chunk(add(gi, gh), 4, 1);
    const c2 = add(mul(sigmoid(f), c!), mul(sigmoid(i), tanh(g)));
    const h2 = mul(sigmoid(o), tanh(c2));
    // projSize: h is projected down by weight_hr (PyTorch's LSTM with projections)
    return [whr === null ? h2 : linear(h2, whr, null), c2];
  }
  const [ir, iz, inn] = chunk(gi, 3, 1);
  const [hr, hz, hn] = chunk(gh, 3, 1);
  const rg = sigmoid(add(ir, hr)), z = sigmoid(add(iz, hz));
  const n = tanh(add(inn, mul(rg, hn)));
  // h' = (1 − z)·n + z·h
  return [add(n, mul(z, sub(h, n))), null];
}

abstract class RNNBase extends Module {
  readonly numLayers: number;
  readonly bias: boolean;
  readonly batchFirst: boolean;
  readonly dropout: number;
  readonly bidirectional: boolean;
  /** LSTM only: the size h is projected to (0: no projection) */
  readonly projSize: number;

  constructor(readonly mode: Mode, readonly inputSize: number, readonly hiddenSize: number, options: RNNOptions) {
    super();
    const o = checkOptions(mode === "LSTM" ? "LSTM" : mode === "GRU" ? "GRU" : "RNN", options, SPEC);
    this.projSize = o.projSize ?? 0;
    if (this.projSize < 0) throw new Error("proj_size should be a positive integer or zero to disable projections");
    if (this.projSize >= hiddenSize) throw new Error("proj_size has to be smaller than hidden_size");
    if (this.projSize > 0 && mode !== "LSTM") throw new Error("proj_size argument is only supported for LSTM, not RNN or GRU");
    this.numLayers = o.numLayers ?? 1;
    this.bias = o.bias ?? true;
    this.batchFirst = o.batchFirst ?? false;
    this.dropout = o.dropout ?? 0;
    this.bidirectional = o.bidirectional ?? false;
    if (this.dropout > 0 && this.numLayers === 1) {
      console.warn(`dropout option adds dropout after all but last recurrent layer, so non-zero dropout expects num_layers greater than 1, but got dropout=${this.dropout} and num_layers=1`);
    }
    const dtype = (o.dtype ?? "float32") as DType;
    const G = GATES[mode] * hiddenSize, dirs = this.bidirectional ? 2 : 1, realH = this.projSize > 0 ? this.projSize : hiddenSize;
    const self = this as unknown as Record<string, Parameter | null>;
    for (let l = 0; l < this.numLayers; l++)
      for (let d = 0; d < dirs; d++) {
        const sfx = `_l${l}${d === 1 ? "_reverse" : ""}`;
        const inSize = l === 0 ? inputSize : realH * dirs;
        self[`weight_ih${sfx}`] = new Parameter(zerosOf([G, inSize], dtype));
        self[`weight_hh${sfx}`] = new Parameter(zerosOf([G, realH], dtype));
        if (this.bias) {
          self[`bias_ih${sfx}`] = new Parameter(zerosOf([G], dtype));
          self[`bias_hh${sfx}`] = new Parameter(zerosOf([G], dtype));
        }
        if (this.projSize > 0) self[`weight_hr${sfx}`] = new Parameter(zerosOf([this.projSize, hiddenSize], dtype));
      }
    this.resetParameters();
  }

  resetParameters(): void {
    const k = 1 / Math.sqrt(this.hiddenSize);
    for (const p of this.parameters()) uniform_(p, -k, k);
  }

  private weights(l: number, d: number): [Tensor, Tensor, Tensor | null, Tensor | null, Tensor | null] {
    const self = this as unknown as Record<string, Tensor | null>;
    const sfx = `_l${l}${d === 1 ? "_reverse" : ""}`;
    return [self[`weight_ih${sfx}`]!, self[`weight_hh${sfx}`]!, self[`bias_ih${sfx}`] ?? null, self[`bias_hh${sfx}`] ?? null, self[`weight_hr${sfx}`] ?? null];
  }

  /** input [T, B, in] ([B, T, in] with batchFirst; [T, in] unbatched); hx [L·dirs, B, H] (LSTM: [h0, c0]). */
  protected run(input: Tensor, hx: Tensor | [Tensor, Tensor] | null): [Tensor, Tensor, Tensor | null] {
    const unbatched = input.dim() === 2;
    let x = unbatched ? unsqueeze(input, 1) : this.batchFirst ? transpose(input, 0, 1) : input;
    if (x.dim() !== 3) throw new Error(`${this.constructor.name}: Expected input to be 2D or 3D, got ${input.dim()}D instead`);
    if (x.shape[2] !== this.inputSize) throw new Error(`input.size(-1) must be equal to input_size. Expected ${this.inputSize}, got ${x.shape[2]}`);
    const [T, B] = x.shape;
    const dirs = this.bidirectional ? 2 : 1;
    const lstm = this.mode === "LSTM";
    const zeros = (size: number) => zerosOf([this.numLayers * dirs, B, size], x.dtype);
    const prep = (t: Tensor) => (unbatched ? unsqueeze(t, 1) : t);
    const h0 = hx === null ? zeros(this.projSize > 0 ? this.projSize : this.hiddenSize) : prep(Array.isArray(hx) ? hx[0] : hx);
    const c0 = lstm ? (hx === null ? zeros(this.hiddenSize) : prep((hx as [Tensor, Tensor])[1])) : null;
    const hN: Tensor[] = [], cN: Tensor[] = [];
    for (let l = 0; l < this.numLayers; l++) {
      const outs: Tensor[] = [];
      for (let d = 0; d < dirs; d++) {
        const [wih, whh, bih, bhh, whr] = this.weights(l, d);
        let h = select(h0, 0, l * dirs + d), c = c0 === null ? null : select(c0, 0, l * dirs + d);
        const steps: Tensor[] = [];
        for (let s = 0; s < T; s++) {
          const t = d === 0 ? s : T - 1 - s;
          [h, c] = cellStep(this.mode, select(x, 0, t), h, c, wih, whh, bih, bhh, whr);
          steps.push(h);
        }
        const seq = stack(steps, 0);
        outs.push(d === 0 ? seq : flip(seq, 0));
        hN.push(h);
        if (c !== null) cN.push(c);
      }
      x = dirs === 1 ? outs[0] : cat(outs, 2);
      if (this.dropout > 0 && this.training && l < this.numLayers - 1) x = dropout(x, this.dropout, true);
    }
    let output = this.batchFirst && !unbatched ? transpose(x, 0, 1) : x;
    let hOut = stack(hN, 0), cOut = lstm ? stack(cN, 0) : null;
    if (unbatched) {
      output = squeeze(output, 1);
      hOut = squeeze(hOut, 1);
      if (cOut !== null) cOut = squeeze(cOut, 1);
    }
    return [output, hOut, cOut];
  }

  override extraRepr(): string {
    let s = `${this.inputSize}, ${this.hiddenSize}`;
    if (this.numLayers !== 1) s += `, numLayers=${this.numLayers}`;
    if (this.batchFirst) s += ", batchFirst=true";
    if (this.dropout) s += `, dropout=${this.dropout}`;
    if (this.bidirectional) s += ", bidirectional=true";
    if (this.projSize) s += `, projSize=${this.projSize}`;
    return s;
  }
}

/** nn.RNN (Elman, tanh or relu): forward(input, h0?) → [output, hN]. */
export class RNN extends RNNBase {
  constructor(inputSize: number, hiddenSize: number, options: RNNOptions = {}) {
    super(options.nonlinearity === "relu" ? "RNN_RELU" : "RNN_TANH", inputSize, hiddenSize, options);
    if (options.nonlinearity !== undefined && options.nonlinearity !== "tanh" && options.nonlinearity !== "relu") {
      throw new Error(`Unknown nonlinearity '${options.nonlinearity}'. Select from 'tanh' or 'relu'.`);
    }
  }
  forward(input: Tensor, hx: Tensor | null = null): [Tensor, Tensor] {
    const [out, h] = this.run(input, hx);
    return [out, h];
  }
}

/** nn.LSTM: forward(input, [h0, c0]?) → [output, [hN, cN]]. */
export class LSTM extends RNNBase {
  constructor(inputSize: number, hiddenSize: number, options: Omit<RNNOptions, "nonlinearity"> = {}) {
    super("LSTM", inputSize, hiddenSize, options);
  }
  forward(input: Tensor, hx: [Tensor, Tensor] | null = null): [Tensor, [Tensor, Tensor]] {
    const [out, h, c] = this.run(input, hx);
    return [out, [h, c!]];
  }
}

/** nn.GRU: forward(input, h0?) → [output, hN]. */
export class GRU extends RNNBase {
  constructor(inputSize: number, hiddenSize: number, options: Omit<RNNOptions, "nonlinearity"> = {}) {
    super("GRU", inputSize, hiddenSize, options);
  }
  forward(input: Tensor, hx: Tensor | null = null): [Tensor, Tensor] {
    const [out, h] = this.run(input, hx);
    return [out, h];
  }
}

abstract class CellBase extends Module {
  weight_ih: Parameter;
  weight_hh: Parameter;
  bias_ih: Parameter | null;
  bias_hh: Parameter | null;
  constructor(readonly mode: Mode, readonly inputSize: number, readonly hiddenSize: number, options: { bias?: boolean; dtype?: DType } = {}) {
    super();
    const G = GATES[mode] * hiddenSize, dtype = options.dtype ?? "float32";
    this.weight_ih = new Parameter(zerosOf([G, inputSize], dtype));
    this.weight_hh = new Parameter(zerosOf([G, hiddenSize], dtype));
    const bias = options.bias ?? true;
    this.bias_ih = bias ? new Parameter(zerosOf([G], dtype)) : null;
    this.bias_hh = bias ? new Parameter(zerosOf([G], dtype)) : null;
    const k = 1 / Math.sqrt(hiddenSize);
    for (const p of this.parameters()) uniform_(p, -k, k);
  }
  protected step(input: Tensor, h: Tensor | null, c: Tensor | null): [Tensor, Tensor | null] {
    const unbatched = input.dim() === 1;
    const x = unbatched ? unsqueeze(input, 0) : input;
    const z = () => zerosOf([x.shape[0], this.hiddenSize], x.dtype);
    const hh = h === null ? z() : unbatched ? unsqueeze(h, 0) : h;
    const cc = this.mode === "LSTM" ? (c === null ? z() : unbatched ? unsqueeze(c, 0) : c) : null;
    const [h2, c2] = cellStep(this.mode, x, hh, cc, this.weight_ih, this.weight_hh, this.bias_ih, this.bias_hh);
    return unbatched ? [squeeze(h2, 0), c2 === null ? null : squeeze(c2, 0)] : [h2, c2];
  }
}

export class RNNCell extends CellBase {
  constructor(inputSize: number, hiddenSize: number, options: { bias?: boolean; nonlinearity?: "tanh" | "relu"; dtype?: DType } = {}) {
    super(options.nonlinearity === "relu" ? "RNN_RELU" : "RNN_TANH", inputSize, hiddenSize, options);
  }
  forward(input: Tensor, hx: Tensor | null = null): Tensor {
    return this.step(input, hx, null)[0];
  }
}

export class LSTMCell extends CellBase {
  constructor(inputSize: number, hiddenSize: number, options: { bias?: boolean; dtype?: DType } = {}) {
    super("LSTM", inputSize, hiddenSize, options);
  }
  forward(input: Tensor, hx: [Tensor, Tensor] | null = null): [Tensor, Tensor] {
    const [h, c] = this.step(input, hx?.[0] ?? null, hx?.[1] ?? null);
    return [h, c!];
  }
}

export class GRUCell extends CellBase {
  constructor(inputSize: number, hiddenSize: number, options: { bias?: boolean; dtype?: DType } = {}) {
    super("GRU", inputSize, hiddenSize, options);
  }
  forward(input: Tensor, hx: Tensor | null = null): Tensor {
    return this.step(input, hx, null)[0];
  }
}
