// torch.distributions in camelCase: `new distributions.Categorical({ logits })`, `dist.logProb(action)`.

export { Distribution } from "./distribution";
export { Normal } from "./normal";
export { Categorical, type CategoricalParams } from "./categorical";
export { Bernoulli, type BernoulliParams } from "./bernoulli";
