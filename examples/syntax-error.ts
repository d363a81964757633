// A file that does not parse: the check reports the error at its line and column and runs nothing.
import { randn } from "gradlens";

const w = randn(3, { requiresGrad: true });
const loss = w.mul(2).sum(;
loss.backward();
