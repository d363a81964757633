// torch.nn.functional in camelCase: `import { F } from "gradlens"; F.crossEntropy(logits, target)`.

export { linear, addmm } from "./linear";
export { conv1d, conv2d, type Conv1dOptions, type Conv2dOptions } from "./conv";
export { maxPool2d, maxPool2dWithIndices, avgPool2d, adaptiveAvgPool2d, type MaxPool2dOptions, type AvgPool2dOptions } from "./pooling";
export { gelu, tanh, sigmoid, softmax, logSoftmax } from "./activation";
export {
  relu, leakyRelu, dropout, dropout2d, hardtanh, relu6, elu, selu, celu, silu, softplus, mish, softsign, hardsigmoid, hardswish,
  logsigmoid, softmin, glu, prelu, type DropoutOptions,
} from "./activationExtra";
export {
  huberLoss, klDiv, type KlDivOptions, type HuberOptions, type TripletOptions, marginRankingLoss, hingeEmbeddingLoss, softMarginLoss, tripletMarginLoss, cosineEmbeddingLoss, poissonNllLoss,
  gaussianNllLoss, multiMarginLoss,
} from "./lossExtra";
export { normalize, cosineSimilarity, pairwiseDistance } from "./distance";
export { groupNorm, instanceNorm, type InstanceNormOptions } from "./normExtra";
export { pad, interpolate, type PadMode, type InterpolateOptions } from "./padding";
export { convTranspose1d, convTranspose2d, type ConvTranspose1dOptions, type ConvTranspose2dOptions } from "./convTranspose";
export { maxPool1d, avgPool1d, adaptiveAvgPool1d, adaptiveMaxPool2d } from "./poolingExtra";
export { scaledDotProductAttention, type SdpaOptions } from "./attention";
export { unfold, fold, type FoldOptions } from "./fold";
export { bilinear, embeddingBag, type EmbeddingBagOptions } from "./bilinear";
export { oneHot } from "../ops/indexExtra";
export { embedding } from "./embedding";
export { layerNorm, batchNorm, type BatchNormOptions } from "./normalization";
export {
  crossEntropy, nllLoss, mseLoss, l1Loss, smoothL1Loss, binaryCrossEntropy, binaryCrossEntropyWithLogits,
  type CrossEntropyOptions, type NllLossOptions, type BceOptions, type BceWithLogitsOptions,
} from "./loss";
export { clipGradNorm_, clipGradValue_ } from "./clip";
export type { Reduction } from "./raw";
