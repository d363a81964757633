import type { Tensor } from "../tensor";
import type { DType } from "../dtype";
import { embedding } from "../functional/embedding";
import { updateInPlace, zerosOf } from "../functional/raw";
import { Module } from "./module";
import { Parameter } from "./parameter";
import { normal_ } from "./init";

export interface EmbeddingOptions {
  paddingIdx?: number | null;
  dtype?: DType;
}

/** A lookup table [numEmbeddings, embeddingDim] initialised N(0, 1); the paddingIdx row is zero and gets no gradient. */
export class Embedding extends Module {
  readonly paddingIdx: number | null;
  weight: Parameter;

  constructor(readonly numEmbeddings: number, readonly embeddingDim: number, options: EmbeddingOptions = {}) {
    super();
    let pad = options.paddingIdx ?? null;
    if (pad !== null) {
      if (pad >= numEmbeddings || pad < -numEmbeddings) throw new Error("Padding_idx must be within num_embeddings");
      if (pad < 0) pad += numEmbeddings;
    }
    this.paddingIdx = pad;
    this.weight = new Parameter(normal_(zerosOf([numEmbeddings, embeddingDim], options.dtype ?? "float32")));
    if (pad !== null) {
      updateInPlace(this.weight, (d, o) => d.fill(0, o + pad! * embeddingDim, o + (pad! + 1) * embeddingDim));
    }
  }

  forward(input: Tensor): Tensor {
    return embedding(input, this.weight, this.paddingIdx);
  }

  override extraRepr(): string {
    return `${this.numEmbeddings}, ${this.embeddingDim}${this.paddingIdx !== null ? `, paddingIdx=${this.paddingIdx}` : ""}`;
  }
}
