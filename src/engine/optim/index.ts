// torch.optim in camelCase: `new optim.SGD(model.parameters(), { lr: 0.1, momentum: 0.9 })`.

export { Optimizer, type ParamGroup, type ParamGroupInput, type ParamsInput, type OptimizerStateDict, type ParamState } from "./optimizer";
export { SGD, type SGDOptions } from "./sgd";
export { Adam, AdamW, type AdamOptions } from "./adam";
export { RMSprop, type RMSpropOptions } from "./rmsprop";
export { Adagrad, Adadelta, Adamax, NAdam, RAdam, type AdagradOptions, type AdadeltaOptions, type AdamaxOptions, type NAdamOptions, type RAdamOptions } from "./adaptive";
export { LBFGS, type LBFGSOptions } from "./lbfgs";
export * as lrScheduler from "./schedulers";
export { LRScheduler, StepLR, ExponentialLR, CosineAnnealingLR, LambdaLR } from "./lrScheduler";
