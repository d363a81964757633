import { checkArg, checkOptions, isOptionsObject } from "../options";

// Scheduler arguments in both of PyTorch's forms: positional (`new MultiStepLR(opt, [30, 80], 0.1)`)
// or a trailing options object (`new MultiStepLR(opt, { milestones: [30, 80], gamma: 0.1 })`), checked
// like keyword arguments.

export function schedulerArgs<O extends object>(
  name: string, args: unknown[], order: Array<keyof O & string>, spec: Record<keyof O & string, string>, defaults: Partial<O>,
): O {
  let given: Record<string, unknown> = {};
  const last = args[args.length - 1];
  const positional = isOptionsObject(last) ? args.slice(0, -1) : args;
  if (positional.length > order.length) throw new TypeError(`${name}() takes at most ${order.length + 1} positional arguments but ${positional.length + 1} were given`);
  positional.forEach((v, i) => {
    if (v === undefined) return;
    const kind = (spec as Record<string, string>)[order[i]].replace(/\?$/, "");
    if (v !== null) checkArg(name, order[i], kind as "float", v);
    given[order[i]] = v;
  });
  if (isOptionsObject(last)) {
    const opts = checkOptions(name, last, spec as Record<string, string>);
    for (const k of Object.keys(opts)) if (k in given) throw new TypeError(`${name}() got multiple values for argument '${k}'`);
    given = { ...given, ...opts };
  }
  const merged: Record<string, unknown> = { ...defaults };
  for (const [k, v] of Object.entries(given)) if (v !== undefined) merged[k] = v;
  for (const k of order) if (!(k in merged)) throw new TypeError(`${name}() missing 1 required positional argument: '${k}'`);
  return merged as O;
}
