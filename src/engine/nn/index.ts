// torch.nn in camelCase: `import { nn } from "gradlens"; new nn.Linear(2, 4)`.

export { Module, zeroGradOf, type StateDict, type LoadStateDictResult } from "./module";
export { Parameter, isParameter, setData } from "./parameter";
export { Linear, Identity, Flatten, Unflatten, type LinearOptions } from "./linear";
export { Conv1d, Conv2d, type ConvOptions } from "./conv";
export { MaxPool2d, AvgPool2d, AdaptiveAvgPool2d } from "./pooling";
export { ReLU, LeakyReLU, Tanh, Sigmoid, GELU, Softmax, LogSoftmax, Dropout } from "./activation";
export { Embedding, type EmbeddingOptions } from "./embedding";
export { LayerNorm, BatchNorm1d, BatchNorm2d, type LayerNormOptions, type BatchNormModuleOptions } from "./normalization";
export { Sequential, ModuleList, ModuleDict } from "./container";
export { CrossEntropyLoss, NLLLoss, MSELoss, L1Loss, SmoothL1Loss, BCELoss, BCEWithLogitsLoss } from "./loss";
export * as init from "./init";
export * as utils from "./utils";
export * as functional from "../functional";
