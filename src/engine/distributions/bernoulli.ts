import type { Tensor } from "../tensor";
import { allocate } from "../dtype";
import { makeTensor } from "../ops/kernel";
import { randomUniform } from "../random";
import { sigmoid, clamp, log } from "../ops/unary";
import { neg, mul, sub } from "../ops/binary";
import { binaryCrossEntropyWithLogits } from "../functional/loss";
import { Distribution, asParam, checkParams } from "./distribution";

export interface BernoulliParams { probs?: Tensor | number; logits?: Tensor | number }

/** torch.distributions.Bernoulli({ probs } or { logits }). */
export class Bernoulli extends Distribution {
  readonly probs: Tensor;
  readonly logits: Tensor;
  constructor(params: BernoulliParams | Tensor | number) {
    super();
    const p: BernoulliParams = typeof params === "number" || "shape" in params ? { probs: params as Tensor | number } : (params as BernoulliParams);
    checkParams("Bernoulli", p, ["probs", "logits"]);
    if ((p.probs === undefined) === (p.logits === undefined)) throw new Error("Either `probs` or `logits` must be specified, but not both.");
    if (p.probs !== undefined) {
      this.probs = asParam(p.probs);
      const eps = this.probs.dtype === "float64" ? 2.220446049250313e-16 : 1.1920928955078125e-7;
      const c = clamp(this.probs, eps, 1 - eps);
      this.logits = sub(log(c), log(neg(sub(c, 1))));
    } else {
      this.logits = asParam(p.logits!);
      this.probs = sigmoid(this.logits);
    }
  }
  get batchShape(): number[] {
    return [...this.probs.shape];
  }
  override get mean(): Tensor {
    return this.probs;
  }
  override get variance(): Tensor {
    return mul(this.probs, neg(sub(this.probs, 1)));
  }
  sample(sampleShape: number[] = []): Tensor {
    const probs = this.probs.dataSync();
    const reps = sampleShape.reduce((a, b) => a * b, 1);
    const out = allocate(this.probs.dtype === "float64" ? "float64" : "float32", reps * probs.length);
    for (let s = 0; s < reps; s++) for (let i = 0; i < probs.length; i++) out[s * probs.length + i] = randomUniform() < probs[i] ? 1 : 0;
    return makeTensor(out, [...sampleShape, ...this.batchShape], out instanceof Float64Array ? "float64" : "float32");
  }
  logProb(value: Tensor): Tensor {
    const logits = this.logits.expand(value.dim() >= this.logits.dim() ? value.shape : this.logits.shape);
    return neg(binaryCrossEntropyWithLogits(logits, value.expand(logits.shape), { reduction: "none" }));
  }
  entropy(): Tensor {
    return binaryCrossEntropyWithLogits(this.logits, this.probs, { reduction: "none" });
  }
}
