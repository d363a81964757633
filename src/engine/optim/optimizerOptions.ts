import { checkOptions } from "../options";
import { checkNonNegative } from "./optimizer";

// Constructor options of the optimizers added for issue 15: checked like PyTorch's keyword
// arguments (unknown key, snake_case key, wrong type → TypeError), then merged over the defaults.

export function optimizerOptions<O extends object>(name: string, options: Partial<O> | undefined, spec: Record<keyof O & string, string>, defaults: O): O {
  const given = checkOptions(name, options ?? {}, spec as Record<string, string>) as Partial<O>;
  const merged = { ...defaults } as O;
  for (const [k, v] of Object.entries(given)) if (v !== undefined) (merged as Record<string, unknown>)[k] = v;
  return merged;
}

/** PyTorch's range checks shared by the Adam family. */
export function checkAdamLike(d: { lr: number; eps: number; weightDecay: number; betas?: readonly number[] }): void {
  checkNonNegative(d.lr, "learning rate");
  checkNonNegative(d.eps, "epsilon value");
  d.betas?.forEach((b, i) => {
    if (!(b >= 0 && b < 1)) throw new Error(`Invalid beta parameter at index ${i}: ${b}`);
  });
  checkNonNegative(d.weightDecay, "weight_decay value");
}
