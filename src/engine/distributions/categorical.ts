import type { Tensor } from "../tensor";
import { allocate } from "../dtype";
import { makeTensor } from "../ops/kernel";
import { randomUniform } from "../random";
import { mul, sub } from "../ops/binary";
import { softmax } from "../ops/softmax";
import { gather } from "../ops/indexing";
import { expand } from "../ops/shapeOps";
import { logsumexp } from "../ops/reduceExtra";
import { clamp } from "../ops/unary";
import { Distribution, checkParams } from "./distribution";

export interface CategoricalParams { probs?: Tensor; logits?: Tensor }

/** torch.distributions.Categorical({ probs } or { logits }) over the last dim. */
export class Categorical extends Distribution {
  /** normalised log-probabilities (logits − logsumexp) */
  readonly logits: Tensor;
  readonly probs: Tensor;
  constructor(params: CategoricalParams | Tensor) {
    super();
    const p: CategoricalParams = "shape" in params ? { probs: params as Tensor } : (params as CategoricalParams);
    checkParams("Categorical", p, ["probs", "logits"]);
    if ((p.probs === undefined) === (p.logits === undefined)) throw new Error("Either `probs` or `logits` must be specified, but not both.");
    if (p.probs !== undefined) {
      const probs = p.probs.div(p.probs.sum(-1, true));
      this.probs = probs;
      this.logits = clamp(probs, Number.MIN_VALUE, null).log();
    } else {
      this.logits = sub(p.logits!, logsumexp(p.logits!, -1, true));
      this.probs = softmax(p.logits!, -1);
    }
  }
  get batchShape(): number[] {
    return this.logits.shape.slice(0, -1);
  }
  get numEvents(): number {
    return this.logits.shape[this.logits.dim() - 1];
  }
  sample(sampleShape: number[] = []): Tensor {
    const probs = this.probs.dataSync();
    const k = this.numEvents, rows = probs.length / k;
    const reps = sampleShape.reduce((a, b) => a * b, 1);
    const out = allocate("int64", reps * rows);
    for (let s = 0; s < reps; s++)
      for (let r = 0; r < rows; r++) {
        const u = randomUniform();
        let acc = 0, pick = k - 1;
        for (let j = 0; j < k; j++) {
          acc += probs[r * k + j];
          if (u < acc) { pick = j; break; }
        }
        out[s * rows + r] = pick;
      }
    return makeTensor(out, [...sampleShape, ...this.batchShape], "int64");
  }
  logProb(value: Tensor): Tensor {
    const shape = value.dim() >= this.batchShape.length ? value.shape : this.batchShape;
    const logits = expand(this.logits, [...shape, this.numEvents]);
    const idx = expand(value.to("int64"), [...shape]).unsqueeze(-1).contiguous();
    return gather(logits.contiguous(), -1, idx).squeeze(-1);
  }
  entropy(): Tensor {
    const minReal = this.logits.dtype === "float64" ? -Number.MAX_VALUE : -3.4028234663852886e38;
    return mul(clamp(this.logits, minReal, null), this.probs).sum(-1).neg();
  }
  override get mean(): Tensor {
    throw new Error("Categorical has no mean (it is undefined for categories)");
  }
}
