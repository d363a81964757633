import type { Tensor } from "../tensor";
import type { DType } from "../dtype";
import { full } from "../creation";
import { relu, gelu } from "../ops/unary";
import { add } from "../ops/binary";
import { checkOptions } from "../options";
import { Module } from "./module";
import { Linear } from "./linear";
import { LayerNorm } from "./normalization";
import { Dropout } from "./activation";
import { ModuleList } from "./container";
import { xavierUniform_ } from "./init";
import { MultiheadAttention, TransformerEncoderLayer, TransformerEncoder, type TransformerEncoderLayerOptions } from "./transformer";

// nn.TransformerDecoderLayer / TransformerDecoder and the full nn.Transformer (encoder + decoder),
// with PyTorch's parameter names (self_attn, multihead_attn, linear1/2, norm1/2/3; encoder.layers.N,
// encoder.norm, decoder.layers.N, decoder.norm) and defaults (seq-first, post-norm, relu, dropout 0.1).

export type TransformerDecoderLayerOptions = TransformerEncoderLayerOptions;
const LAYER_SPEC = { dimFeedforward: "int", dropout: "float", activation: "any", layerNormEps: "float", batchFirst: "bool", normFirst: "bool", bias: "bool", dtype: "str" };

export interface DecoderCallOptions {
  tgtMask?: Tensor | null; memoryMask?: Tensor | null; tgtKeyPaddingMask?: Tensor | null; memoryKeyPaddingMask?: Tensor | null;
  tgtIsCausal?: boolean; memoryIsCausal?: boolean;
}
const CALL_SPEC = { tgtMask: "Tensor?", memoryMask: "Tensor?", tgtKeyPaddingMask: "Tensor?", memoryKeyPaddingMask: "Tensor?", tgtIsCausal: "bool", memoryIsCausal: "bool" };

export class TransformerDecoderLayer extends Module {
  self_attn: MultiheadAttention;
  multihead_attn: MultiheadAttention;
  linear1: Linear;
  dropout: Dropout;
  linear2: Linear;
  norm1: LayerNorm;
  norm2: LayerNorm;
  norm3: LayerNorm;
  dropout1: Dropout;
  dropout2: Dropout;
  dropout3: Dropout;
  readonly normFirst: boolean;
  private readonly activationFn: (x: Tensor) => Tensor;

  constructor(readonly dModel: number, readonly nhead: number, readonly options: TransformerDecoderLayerOptions = {}) {
    super();
    const o = checkOptions("TransformerDecoderLayer", options, LAYER_SPEC);
    const p = o.dropout ?? 0.1, ff = o.dimFeedforward ?? 2048, eps = o.layerNormEps ?? 1e-5, dtype = (o.dtype ?? "float32") as DType;
    const bias = o.bias ?? true, batchFirst = o.batchFirst ?? false;
    this.self_attn = new MultiheadAttention(dModel, nhead, { dropout: p, batchFirst, bias, dtype });
    this.multihead_attn = new MultiheadAttention(dModel, nhead, { dropout: p, batchFirst, bias, dtype });
    this.linear1 = new Linear(dModel, ff, { bias, dtype });
    this.dropout = new Dropout(p);
    this.linear2 = new Linear(ff, dModel, { bias, dtype });
    this.norm1 = new LayerNorm(dModel, { eps, dtype });
    this.norm2 = new LayerNorm(dModel, { eps, dtype });
    this.norm3 = new LayerNorm(dModel, { eps, dtype });
    this.dropout1 = new Dropout(p);
    this.dropout2 = new Dropout(p);
    this.dropout3 = new Dropout(p);
    this.normFirst = o.normFirst ?? false;
    const act = o.activation ?? "relu";
    this.activationFn = typeof act === "function" ? act : act === "gelu" ? (x) => gelu(x) : (x) => relu(x);
    Object.defineProperty(this, "activationFn", { enumerable: false });
  }

  /** tgt [T, N, E] (batchFirst: [N, T, E]) attends to itself, then to memory [S, N, E]. */
  forward(tgt: Tensor, memory: Tensor, options: DecoderCallOptions = {}): Tensor {
    const o = checkOptions("TransformerDecoderLayer.forward", options, CALL_SPEC);
    const sa = (x: Tensor) =>
      this.dropout1.forward(this.self_attn.forward(x, x, x, { attnMask: o.tgtMask ?? null, keyPaddingMask: o.tgtKeyPaddingMask ?? null, needWeights: false })[0]);
    const mha = (x: Tensor) =>
      this.dropout2.forward(this.multihead_attn.forward(x, memory, memory, { attnMask: o.memoryMask ?? null, keyPaddingMask: o.memoryKeyPaddingMask ?? null, needWeights: false })[0]);
    const ff = (x: Tensor) => this.dropout3.forward(this.linear2.forward(this.dropout.forward(this.activationFn(this.linear1.forward(x)))));
    if (this.normFirst) {
      let x = add(tgt, sa(this.norm1.forward(tgt)));
      x = add(x, mha(this.norm2.forward(x)));
      return add(x, ff(this.norm3.forward(x)));
    }
    let x = this.norm1.forward(add(tgt, sa(tgt)));
    x = this.norm2.forward(add(x, mha(x)));
    return this.norm3.forward(add(x, ff(x)));
  }

  /** A fresh layer with the same settings and a copy of this one's weights (PyTorch deep-copies it). */
  cloneLayer(): TransformerDecoderLayer {
    const copy = new TransformerDecoderLayer(this.dModel, this.nhead, this.options);
    copy.loadStateDict(this.stateDict());
    return copy;
  }
}

/** nn.TransformerDecoder(layer, numLayers, { norm }): numLayers copies of the layer. */
export class TransformerDecoder extends Module {
  layers: ModuleList;
  norm: Module | null;
  constructor(decoderLayer: TransformerDecoderLayer, readonly numLayers: number, options: { norm?: Module | null } = {}) {
    super();
    checkOptions("TransformerDecoder", options, { norm: "any" });
    this.layers = new ModuleList(Array.from({ length: numLayers }, () => decoderLayer.cloneLayer()));
    this.norm = options.norm ?? null;
  }
  forward(tgt: Tensor, memory: Tensor, options: DecoderCallOptions = {}): Tensor {
    checkOptions("TransformerDecoder.forward", options, CALL_SPEC);
    let x = tgt;
    for (const layer of this.layers) x = (layer as TransformerDecoderLayer).forward(x, memory, options);
    return this.norm === null ? x : (this.norm as unknown as { forward(t: Tensor): Tensor }).forward(x);
  }
}

export interface TransformerOptions extends TransformerEncoderLayerOptions {
  dModel?: number; nhead?: number; numEncoderLayers?: number; numDecoderLayers?: number;
  customEncoder?: Module | null; customDecoder?: Module | null;
}
export interface TransformerCallOptions {
  srcMask?: Tensor | null; tgtMask?: Tensor | null; memoryMask?: Tensor | null;
  srcKeyPaddingMask?: Tensor | null; tgtKeyPaddingMask?: Tensor | null; memoryKeyPaddingMask?: Tensor | null;
  srcIsCausal?: boolean; tgtIsCausal?: boolean; memoryIsCausal?: boolean;
}

/**
 * nn.Transformer: `new nn.Transformer({ dModel: 512, nhead: 8, numEncoderLayers: 6, ... })` (or
 * `new nn.Transformer(dModel, nhead, { ... })`); forward(src, tgt, { tgtMask, ... }).
 */
export class Transformer extends Module {
  encoder: Module;
  decoder: Module;
  readonly dModel: number;
  readonly nhead: number;
  readonly batchFirst: boolean;

  constructor(dModelOrOptions: number | TransformerOptions = {}, nhead?: number, options: TransformerOptions = {}) {
    super();
    const given = typeof dModelOrOptions === "number" ? { ...options, dModel: dModelOrOptions, ...(nhead === undefined ? {} : { nhead }) } : dModelOrOptions;
    const o = checkOptions("Transformer", given, {
      ...LAYER_SPEC, dModel: "int", nhead: "int", numEncoderLayers: "int", numDecoderLayers: "int", customEncoder: "any", customDecoder: "any",
    });
    const { dModel = 512, nhead: heads = 8, numEncoderLayers = 6, numDecoderLayers = 6, customEncoder = null, customDecoder = null, ...layer } = o;
    this.dModel = dModel;
    this.nhead = heads;
    this.batchFirst = layer.batchFirst ?? false;
    const dtype = (layer.dtype ?? "float32") as DType, eps = layer.layerNormEps ?? 1e-5;
    this.encoder = customEncoder ?? new TransformerEncoder(new TransformerEncoderLayer(dModel, heads, layer), numEncoderLayers, { norm: new LayerNorm(dModel, { eps, dtype }) });
    this.decoder = customDecoder ?? new TransformerDecoder(new TransformerDecoderLayer(dModel, heads, layer), numDecoderLayers, { norm: new LayerNorm(dModel, { eps, dtype }) });
    // PyTorch's _reset_parameters: Xavier-uniform for every matrix
    for (const p of this.parameters()) if (p.dim() > 1) xavierUniform_(p);
  }

  forward(src: Tensor, tgt: Tensor, options: TransformerCallOptions = {}): Tensor {
    const o = checkOptions("Transformer.forward", options, {
      srcMask: "Tensor?", tgtMask: "Tensor?", memoryMask: "Tensor?", srcKeyPaddingMask: "Tensor?", tgtKeyPaddingMask: "Tensor?",
      memoryKeyPaddingMask: "Tensor?", srcIsCausal: "bool", tgtIsCausal: "bool", memoryIsCausal: "bool",
    });
    const batched = src.dim() === 3;
    const batchDim = this.batchFirst ? 0 : 1;
    if (batched && src.shape[batchDim] !== tgt.shape[batchDim]) throw new Error("the batch number of src and tgt must be equal");
    if (src.shape[src.dim() - 1] !== this.dModel || tgt.shape[tgt.dim() - 1] !== this.dModel) {
      throw new Error("the feature number of src and tgt must be equal to d_model");
    }
    const memory = (this.encoder as TransformerEncoder).forward(src, { mask: o.srcMask ?? null, srcKeyPaddingMask: o.srcKeyPaddingMask ?? null });
    return (this.decoder as TransformerDecoder).forward(tgt, memory, {
      tgtMask: o.tgtMask ?? null, memoryMask: o.memoryMask ?? null, tgtKeyPaddingMask: o.tgtKeyPaddingMask ?? null, memoryKeyPaddingMask: o.memoryKeyPaddingMask ?? null,
    });
  }

  /** A causal mask for a sequence of length sz: −∞ above the diagonal, 0 elsewhere (float). */
  static generateSquareSubsequentMask(sz: number, options: { dtype?: DType } = {}): Tensor {
    return full([sz, sz], -Infinity, { dtype: options.dtype ?? "float32" }).triu(1);
  }
}
