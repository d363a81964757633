// torch.nn.utils
export { clipGradNorm_, clipGradValue_ } from "../functional/clip";
export { parametersToVector, vectorToParameters } from "./vectorize";
