import { Tensor } from "../tensor";
import { makeTensor } from "../ops/kernel";
import { allocate } from "../dtype";

// torch.distributions' base: batchShape, sample (no graph), rsample (reparameterised, with graph),
// logProb, entropy. Parameters given as numbers become float32 0-dim tensors.

export abstract class Distribution {
  abstract get batchShape(): number[];
  get eventShape(): number[] {
    return [];
  }
  abstract sample(sampleShape?: number[]): Tensor;
  rsample(_sampleShape?: number[]): Tensor {
    throw new Error(`${this.constructor.name} does not implement rsample`);
  }
  abstract logProb(value: Tensor): Tensor;
  abstract entropy(): Tensor;
  get mean(): Tensor {
    throw new Error(`${this.constructor.name} does not implement mean`);
  }
  get variance(): Tensor {
    throw new Error(`${this.constructor.name} does not implement variance`);
  }
  get stddev(): Tensor {
    return this.variance.sqrt();
  }
}

export function asParam(v: Tensor | number): Tensor {
  if (v instanceof Tensor) return v;
  const data = allocate("float32", 1);
  data[0] = v;
  return makeTensor(data, [], "float32");
}

export function checkParams(name: string, options: object, allowed: string[]): void {
  for (const k of Object.keys(options)) if (!allowed.includes(k)) throw new TypeError(`${name}.__init__() got an unexpected keyword argument '${k}'`);
}
