// torch.optim.lr_scheduler: the core schedulers and the rest, as one namespace.
export * from "./lrScheduler";
export * from "./schedulersExtra";
