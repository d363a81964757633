import type { Tensor } from "../tensor";
import type { DType } from "../dtype";
import { linear } from "../functional/linear";
import { zerosOf } from "../functional/raw";
import { dropout } from "../functional/activation";
import { relu, gelu } from "../ops/unary";
import { add, where } from "../ops/binary";
import { softmax } from "../ops/softmax";
import { checkOptions } from "../options";
import { Module } from "./module";
import { Parameter } from "./parameter";
import { Linear } from "./linear";
import { LayerNorm } from "./normalization";
import { Dropout } from "./activation";
import { ModuleList } from "./container";
import { xavierUniform_, zeros_ } from "./init";

// nn.MultiheadAttention and the Transformer encoder, with PyTorch's parameter names (in_proj_weight,
// in_proj_bias, out_proj, self_attn, linear1/2, norm1/2) and defaults (seq-first unless batchFirst,
// post-norm unless normFirst, attention weights averaged over heads).

export interface MultiheadAttentionOptions { dropout?: number; bias?: boolean; batchFirst?: boolean; dtype?: DType }
export interface AttentionCallOptions { keyPaddingMask?: Tensor | null; needWeights?: boolean; attnMask?: Tensor | null; averageAttnWeights?: boolean; isCausal?: boolean }

export class MultiheadAttention extends Module {
  in_proj_weight: Parameter;
  in_proj_bias: Parameter | null;
  out_proj: Linear;
  readonly headDim: number;
  readonly dropout: number;
  readonly batchFirst: boolean;

  constructor(readonly embedDim: number, readonly numHeads: number, options: MultiheadAttentionOptions = {}) {
    super();
    const o = checkOptions("MultiheadAttention", options, { dropout: "float", bias: "bool", batchFirst: "bool", dtype: "str" });
    this.headDim = embedDim / numHeads;
    if (!Number.isInteger(this.headDim)) throw new Error("embed_dim must be divisible by num_heads");
    this.dropout = o.dropout ?? 0;
    this.batchFirst = o.batchFirst ?? false;
    const dtype = (o.dtype ?? "float32") as DType, bias = o.bias ?? true;
    this.in_proj_weight = xavierUniform_(new Parameter(zerosOf([3 * embedDim, embedDim], dtype))) as Parameter;
    this.in_proj_bias = bias ? new Parameter(zerosOf([3 * embedDim], dtype)) : null;
    this.out_proj = new Linear(embedDim, embedDim, { bias, dtype });
    if (this.out_proj.bias !== null) zeros_(this.out_proj.bias);
  }

  /** query [L, N, E] (or [N, L, E] with batchFirst, [L, E] unbatched) → [output, weights [N, L, S] or null]. */
  forward(query: Tensor, key: Tensor, value: Tensor, options: AttentionCallOptions = {}): [Tensor, Tensor | null] {
    const o = checkOptions("MultiheadAttention.forward", options, { keyPaddingMask: "Tensor?", needWeights: "bool", attnMask: "Tensor?", averageAttnWeights: "bool", isCausal: "bool" });
    const unbatched = query.dim() === 2;
    // batch-first inputs stay [N, L, E]: transposing them to [L, N, E] and the output back cost a
    // strided copy of each and a strided residual add, for the same values
    const batchMajor = this.batchFirst && !unbatched;
    const prep = (t: Tensor) => (unbatched ? t.unsqueeze(1) : t);
    const q0 = prep(query), k0 = prep(key), v0 = prep(value);
    const [L, N] = batchMajor ? [q0.shape[1], q0.shape[0]] : [q0.shape[0], q0.shape[1]];
    const E = q0.shape[2], S = k0.shape[batchMajor ? 1 : 0], H = this.numHeads, D = this.headDim;
    const w = this.in_proj_weight, b = this.in_proj_bias;
    const part = (i: number) => [w.narrow(0, i * E, E), b === null ? null : b.narrow(0, i * E, E)] as const;
    // views [N, H, len, D] (batch-major) or [N·H, len, D]; flat: [N·H, len, D], batch index n·H + h either way
    const heads = (t: Tensor, len: number) => (batchMajor ? t.reshape([N, len, H, D]).transpose(1, 2) : t.reshape([len, N * H, D]).transpose(0, 1));
    const flat = (t: Tensor, len: number) => (batchMajor ? t.reshape([N * H, len, D]) : t);
    // self-attention projects once with the packed weight, as PyTorch's _in_projection_packed does
    const [qp, kp, vp] = query === key && key === value
      ? linear(q0, w, b).chunk(3, -1)
      : [linear(q0, ...part(0)), linear(k0, ...part(1)), linear(v0, ...part(2))];
    // the scaling writes q's contiguous copy (no separate copy for the batch-major reshape)
    const q = flat(heads(qp!, L).mul(1 / Math.sqrt(D)), L), k = flat(heads(kp!, S), S), v = flat(heads(vp!, S), S);
    let scores = q.matmul(k.transpose(1, 2)); // [N·H, L, S]
    const mask = o.attnMask ?? null;
    if (mask !== null) {
      const m = mask.dim() === 2 ? mask : mask.reshape([N * H, L, S]);
      scores = m.dtype === "bool" ? where(m, -Infinity, scores) : add(scores, m);
    }
    if (o.keyPaddingMask) {
      const kpm = (unbatched ? o.keyPaddingMask.unsqueeze(0) : o.keyPaddingMask).reshape([N, 1, 1, S]).expand([N, H, 1, S]).reshape([N * H, 1, S]);
      scores = kpm.dtype === "bool" ? where(kpm, -Infinity, scores) : add(scores, kpm);
    }
    let attn = softmax(scores, -1);
    if (this.dropout > 0 && this.training) attn = dropout(attn, this.dropout, true);
    const perHead = attn.matmul(v);
    const ctx = batchMajor ? perHead.reshape([N, H, L, D]).transpose(1, 2).reshape([N, L, E]) : perHead.transpose(0, 1).reshape([L, N, E]);
    let out = this.out_proj.forward(ctx);
    if (unbatched) out = out.squeeze(1);
    if (!(o.needWeights ?? true)) return [out, null];
    let weights = attn.reshape([N, H, L, S]);
    weights = (o.averageAttnWeights ?? true) ? weights.mean(1) : weights;
    return [out, unbatched ? weights.squeeze(0) : weights];
  }
}

export interface TransformerEncoderLayerOptions {
  dimFeedforward?: number; dropout?: number; activation?: "relu" | "gelu" | ((x: Tensor) => Tensor);
  layerNormEps?: number; batchFirst?: boolean; normFirst?: boolean; bias?: boolean; dtype?: DType;
}

export class TransformerEncoderLayer extends Module {
  self_attn: MultiheadAttention;
  linear1: Linear;
  dropout: Dropout;
  linear2: Linear;
  norm1: LayerNorm;
  norm2: LayerNorm;
  dropout1: Dropout;
  dropout2: Dropout;
  readonly normFirst: boolean;
  private readonly activationFn: (x: Tensor) => Tensor;

  constructor(readonly dModel: number, readonly nhead: number, readonly options: TransformerEncoderLayerOptions = {}) {
    super();
    const o = checkOptions("TransformerEncoderLayer", options, {
      dimFeedforward: "int", dropout: "float", activation: "any", layerNormEps: "float", batchFirst: "bool", normFirst: "bool", bias: "bool", dtype: "str",
    });
    const p = o.dropout ?? 0.1, ff = o.dimFeedforward ?? 2048, eps = o.layerNormEps ?? 1e-5, dtype = (o.dtype ?? "float32") as DType;
    this.self_attn = new MultiheadAttention(dModel, nhead, { dropout: p, batchFirst: o.batchFirst ?? false, bias: o.bias ?? true, dtype });
    this.linear1 = new Linear(dModel, ff, { bias: o.bias ?? true, dtype });
    this.dropout = new Dropout(p);
    this.linear2 = new Linear(ff, dModel, { bias: o.bias ?? true, dtype });
    this.norm1 = new LayerNorm(dModel, { eps, dtype });
    this.norm2 = new LayerNorm(dModel, { eps, dtype });
    this.dropout1 = new Dropout(p);
    this.dropout2 = new Dropout(p);
    this.normFirst = o.normFirst ?? false;
    const act = o.activation ?? "relu";
    this.activationFn = typeof act === "function" ? act : act === "gelu" ? (x) => gelu(x) : (x) => relu(x);
    Object.defineProperty(this, "activationFn", { enumerable: false });
  }

  forward(src: Tensor, options: { srcMask?: Tensor | null; srcKeyPaddingMask?: Tensor | null; isCausal?: boolean } = {}): Tensor {
    const o = checkOptions("TransformerEncoderLayer.forward", options, { srcMask: "Tensor?", srcKeyPaddingMask: "Tensor?", isCausal: "bool" });
    const sa = (x: Tensor) => this.dropout1.forward(this.self_attn.forward(x, x, x, { attnMask: o.srcMask ?? null, keyPaddingMask: o.srcKeyPaddingMask ?? null, needWeights: false })[0]);
    const ff = (x: Tensor) => this.dropout2.forward(this.linear2.forward(this.dropout.forward(this.activationFn(this.linear1.forward(x)))));
    if (this.normFirst) {
      const x = add(src, sa(this.norm1.forward(src)));
      return add(x, ff(this.norm2.forward(x)));
    }
    const x = this.norm1.forward(add(src, sa(src)));
    return this.norm2.forward(add(x, ff(x)));
  }

  /** A fresh layer with the same settings and a copy of this one's weights (PyTorch deep-copies it). */
  cloneLayer(): TransformerEncoderLayer {
    const copy = new TransformerEncoderLayer(this.dModel, this.nhead, this.options);
    copy.loadStateDict(this.stateDict());
    return copy;
  }
}

/** nn.TransformerEncoder(layer, numLayers, { norm }): numLayers copies of the layer. */
export class TransformerEncoder extends Module {
  layers: ModuleList;
  norm: Module | null;
  constructor(encoderLayer: TransformerEncoderLayer, readonly numLayers: number, options: { norm?: Module | null; enableNestedTensor?: boolean } = {}) {
    super();
    this.layers = new ModuleList(Array.from({ length: numLayers }, () => encoderLayer.cloneLayer()));
    this.norm = options.norm ?? null;
  }
  forward(src: Tensor, options: { mask?: Tensor | null; srcKeyPaddingMask?: Tensor | null; isCausal?: boolean } = {}): Tensor {
    let x = src;
    for (const layer of this.layers) x = (layer as TransformerEncoderLayer).forward(x, { srcMask: options.mask ?? null, srcKeyPaddingMask: options.srcKeyPaddingMask ?? null });
    return this.norm === null ? x : (this.norm as unknown as { forward(t: Tensor): Tensor }).forward(x);
  }
}
