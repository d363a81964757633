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
export {
  ConvTranspose1d, ConvTranspose2d, MaxPool1d, AvgPool1d, AdaptiveAvgPool1d, AdaptiveMaxPool2d, GroupNorm, InstanceNorm1d, InstanceNorm2d,
  ReLU6, SELU, SiLU, Mish, Hardswish, Hardsigmoid, Softsign, LogSigmoid, ELU, CELU, Softplus, Hardtanh, Softmin, GLU, PReLU, Dropout2d,
  Bilinear, CosineSimilarity, PairwiseDistance, EmbeddingBag, ParameterList, ParameterDict, HuberLoss, KLDivLoss, CosineEmbeddingLoss,
  MarginRankingLoss, TripletMarginLoss, GaussianNLLLoss, type ConvTransposeOptions, type InstanceNormModuleOptions,
} from "./layersExtra";
export { RNN, LSTM, GRU, RNNCell, LSTMCell, GRUCell, type RNNOptions } from "./rnn";
export {
  MultiheadAttention, TransformerEncoderLayer, TransformerEncoder, type MultiheadAttentionOptions, type AttentionCallOptions,
  type TransformerEncoderLayerOptions,
} from "./transformer";
export {
  TransformerDecoderLayer, TransformerDecoder, Transformer, type TransformerDecoderLayerOptions, type DecoderCallOptions,
  type TransformerOptions, type TransformerCallOptions,
} from "./transformerDecoder";
export * as init from "./init";
export * as utils from "./utils";
export * as functional from "../functional";
