// torch.optim.lr_scheduler: every scheduler (the `optim.lrScheduler` namespace).

export * from "./lrScheduler";
export * from "./stepSchedulers";
export * from "./cyclicSchedulers";
export * from "./reduceLROnPlateau";
export * from "./composedSchedulers";
