import type { Tensor } from "../tensor";
import { fillUniform, randomNormal } from "../random";
import { updateInPlace } from "../functional/raw";

// torch.nn.init: in-place fills from the seeded generator. Like PyTorch's (which run under no_grad)
// they record no graph, work on leaves that require grad, and bump the tensor's version.

// One loop per fill rather than one loop calling a closure per element: a shared loop's call site
// goes polymorphic, the generator is no longer inlined and every value is boxed (a ResNet-18's 11 M
// parameters made ~10% of a check's time, most of it garbage collection).
export function uniform_(t: Tensor, a = 0, b = 1): Tensor {
  updateInPlace(t, (d, o, n) => {
    fillUniform(d, o, n, a, b);
  });
  return t;
}

export function normal_(t: Tensor, mean = 0, std = 1): Tensor {
  updateInPlace(t, (d, o, n) => {
    for (let i = 0; i < n; i++) d[o + i] = mean + std * randomNormal();
  });
  return t;
}

export function constant_(t: Tensor, value: number): Tensor {
  updateInPlace(t, (d, o, n) => {
    d.fill(value, o, o + n);
  });
  return t;
}

export function zeros_(t: Tensor): Tensor {
  return constant_(t, 0);
}

export function ones_(t: Tensor): Tensor {
  return constant_(t, 1);
}

export type Nonlinearity =
  | "linear" | "conv1d" | "conv2d" | "conv3d" | "sigmoid" | "tanh" | "relu" | "leakyRelu" | "leaky_relu" | "selu";

/** torch.nn.init.calculate_gain */
export function calculateGain(nonlinearity: Nonlinearity, param?: number): number {
  switch (nonlinearity) {
    case "linear": case "conv1d": case "conv2d": case "conv3d": case "sigmoid":
      return 1;
    case "tanh":
      return 5 / 3;
    case "relu":
      return Math.SQRT2;
    case "leakyRelu": case "leaky_relu": {
      const slope = param ?? 0.01;
      return Math.sqrt(2 / (1 + slope * slope));
    }
    case "selu":
      return 3 / 4;
    default:
      throw new Error(`Unsupported nonlinearity ${String(nonlinearity)}`);
  }
}

/** [fanIn, fanOut] of a weight: dims 1 and 0 times the receptive field (product of the rest). */
export function calculateFanInAndFanOut(t: Tensor): [number, number] {
  if (t.dim() < 2) throw new Error("Fan in and fan out can not be computed for tensor with fewer than 2 dimensions");
  let receptive = 1;
  for (let i = 2; i < t.dim(); i++) receptive *= t.shape[i];
  return [t.shape[1] * receptive, t.shape[0] * receptive];
}

export type FanMode = "fanIn" | "fanOut" | "fan_in" | "fan_out";

function fanOf(t: Tensor, mode: FanMode): number {
  const [fanIn, fanOut] = calculateFanInAndFanOut(t);
  if (mode === "fanIn" || mode === "fan_in") return fanIn;
  if (mode === "fanOut" || mode === "fan_out") return fanOut;
  throw new Error(`Mode ${String(mode)} not supported, please use one of fanIn, fanOut`);
}

export function xavierUniform_(t: Tensor, gain = 1): Tensor {
  const [fanIn, fanOut] = calculateFanInAndFanOut(t);
  const a = Math.sqrt(3) * gain * Math.sqrt(2 / (fanIn + fanOut));
  return uniform_(t, -a, a);
}

export function xavierNormal_(t: Tensor, gain = 1): Tensor {
  const [fanIn, fanOut] = calculateFanInAndFanOut(t);
  return normal_(t, 0, gain * Math.sqrt(2 / (fanIn + fanOut)));
}

export function kaimingUniform_(t: Tensor, a = 0, mode: FanMode = "fanIn", nonlinearity: Nonlinearity = "leakyRelu"): Tensor {
  const fan = fanOf(t, mode);
  if (fan === 0) return t; // PyTorch warns and leaves the tensor as is
  const bound = Math.sqrt(3) * (calculateGain(nonlinearity, a) / Math.sqrt(fan));
  return uniform_(t, -bound, bound);
}

export function kaimingNormal_(t: Tensor, a = 0, mode: FanMode = "fanIn", nonlinearity: Nonlinearity = "leakyRelu"): Tensor {
  const fan = fanOf(t, mode);
  if (fan === 0) return t;
  return normal_(t, 0, calculateGain(nonlinearity, a) / Math.sqrt(fan));
}
