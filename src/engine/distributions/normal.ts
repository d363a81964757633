import type { Tensor } from "../tensor";
import { randn } from "../creation";
import { noGrad } from "../gradMode";
import { add, mul, sub, div, neg } from "../ops/binary";
import { log } from "../ops/unary";
import { broadcastShapes } from "../shape";
import { Distribution, asParam } from "./distribution";

const HALF_LOG_2PI = 0.5 * Math.log(2 * Math.PI);

/** torch.distributions.Normal(loc, scale). */
export class Normal extends Distribution {
  readonly loc: Tensor;
  readonly scale: Tensor;
  constructor(loc: Tensor | number, scale: Tensor | number) {
    super();
    this.loc = asParam(loc);
    this.scale = asParam(scale);
    if (this.scale.dataSync().some((v) => !(v > 0))) {
      throw new Error("Expected parameter scale of distribution Normal to satisfy the constraint GreaterThan(lower_bound=0.0)");
    }
  }
  get batchShape(): number[] {
    return broadcastShapes(this.loc.shape, this.scale.shape, "Normal");
  }
  override get mean(): Tensor {
    return this.loc;
  }
  override get variance(): Tensor {
    return this.scale.pow(2);
  }
  override get stddev(): Tensor {
    return this.scale;
  }
  sample(sampleShape: number[] = []): Tensor {
    return noGrad(() => this.rsample(sampleShape));
  }
  override rsample(sampleShape: number[] = []): Tensor {
    const eps = randn([...sampleShape, ...this.batchShape], { dtype: this.loc.dtype === "float64" ? "float64" : "float32" });
    return add(this.loc, mul(eps, this.scale));
  }
  logProb(value: Tensor): Tensor {
    const z = div(sub(value, this.loc), this.scale);
    return sub(sub(neg(mul(mul(z, z), 0.5)), log(this.scale)), HALF_LOG_2PI);
  }
  entropy(): Tensor {
    return add(log(this.scale), 0.5 + HALF_LOG_2PI).expand(this.batchShape);
  }
}
