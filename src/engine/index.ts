// The public API users write their models against: `import { tensor, nn, optim, F } from "gradlens"`.

export { Tensor, isTensor, type NestedArray } from "./tensor";
export { type DType, float32, float64, int64, bool } from "./dtype";
export {
  tensor, zeros, ones, full, arange, eye, rand, randn, randint,
  zerosLike, onesLike, fullLike, randLike, randnLike, type TensorOptions,
} from "./creation";
export { manualSeed } from "./random";
export { noGrad, enableGrad, setGradEnabled, isGradEnabled } from "./gradMode";
export { Node, AccumulateGrad } from "./autograd/node";
export { type BackwardOptions } from "./autograd/backward";
export { add, sub, mul, div, pow, neg, maximum, minimum, where, maskedFill, square } from "./ops/binary";
export { exp, log, log1p, sqrt, rsqrt, abs, sign, sin, cos, tanh, sigmoid, relu, leakyRelu, gelu, clamp } from "./ops/unary";
export { sum, mean } from "./ops/reduce";
export { matmul, mm, bmm, dot, mv } from "./ops/matmul";
export { reshape, flatten, squeeze, unsqueeze, transpose, t, permute, narrow, select } from "./ops/shapeOps";
export { cat, stack, split, chunk, unbind, indexSelect, gather, scatterAdd } from "./ops/indexing";
export { softmax, logSoftmax } from "./ops/softmax";
export {
  asTensor, empty, emptyLike, linspace, logspace, randperm, concat, hstack, vstack, meshgrid, broadcastTensors, inferenceMode,
  cdist, numel, logsumexp, cumsum, prod, sort, topk, argsort, norm, einsum, outer, tril, triu, flip, roll, diag, maskedSelect,
  lerp, allclose, isclose, equal, broadcastTo, max, min, amax, amin, std, variance as var,
} from "./torchFunctions";
export { type IndexItem } from "./ops/indexExtra";
export * as autograd from "./autograd/api";
export * as distributions from "./distributions";
export * as nn from "./nn";
export * as optim from "./optim";
export * as F from "./functional";
