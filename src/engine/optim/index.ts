// torch.optim in camelCase: `new optim.SGD(model.parameters(), { lr: 0.1, momentum: 0.9 })`.

export { Optimizer, type ParamGroup, type ParamGroupInput, type ParamsInput, type OptimizerStateDict, type ParamState } from "./optimizer";
export { SGD, type SGDOptions } from "./sgd";
export { Adam, AdamW, type AdamOptions } from "./adam";
export { RMSprop, type RMSpropOptions } from "./rmsprop";
export * as lrScheduler from "./schedulers";
export { LRScheduler, StepLR, ExponentialLR, CosineAnnealingLR, LambdaLR } from "./lrScheduler";
export { Adagrad, type AdagradOptions } from "./adagrad";
export { Adadelta, type AdadeltaOptions } from "./adadelta";
export { Adamax, type AdamaxOptions } from "./adamax";
export { NAdam, type NAdamOptions } from "./nadam";
export { RAdam, type RAdamOptions } from "./radam";
export { LBFGS, type LBFGSOptions } from "./lbfgs";
export { SparseAdam, type SparseAdamOptions } from "./sparseAdam";
export {
  MultiStepLR, MultiplicativeLR, ConstantLR, LinearLR, PolynomialLR, CosineAnnealingWarmRestarts, CyclicLR, OneCycleLR,
  ReduceLROnPlateau, SequentialLR, ChainedScheduler,
} from "./schedulers";
