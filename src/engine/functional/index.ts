// torch.nn.functional in camelCase: `import { F } from "gradlens"; F.crossEntropy(logits, target)`.

export { linear, addmm } from "./linear";
export { conv1d, conv2d, type Conv1dOptions, type Conv2dOptions } from "./conv";
export { maxPool2d, maxPool2dWithIndices, avgPool2d, adaptiveAvgPool2d, type MaxPool2dOptions, type AvgPool2dOptions } from "./pooling";
export { relu, leakyRelu, gelu, tanh, sigmoid, softmax, logSoftmax, dropout } from "./activation";
export { embedding } from "./embedding";
export { layerNorm, batchNorm, type BatchNormOptions } from "./normalization";
export {
  crossEntropy, nllLoss, mseLoss, l1Loss, smoothL1Loss, binaryCrossEntropy, binaryCrossEntropyWithLogits,
  type CrossEntropyOptions, type NllLossOptions, type BceOptions, type BceWithLogitsOptions,
} from "./loss";
export { clipGradNorm_, clipGradValue_ } from "./clip";
export type { Reduction } from "./raw";
