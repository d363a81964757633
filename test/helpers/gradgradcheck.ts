import { Tensor, enableGrad, zerosLike } from "gradlens";
import { gradcheck, type GradcheckOptions } from "./gradcheck";

// Second-order check, like torch.autograd.gradgradcheck: the first gradients, computed with
// createGraph for a fixed upstream v, are themselves a function of (inputs, v); gradcheck that
// function. Each differentiable input is used through a non-leaf stand-in with retainGrad(), so its
// first gradient is read without writing the leaf's `.grad` that gradcheck itself uses.

type Outputs = Tensor | readonly Tensor[] | { values: Tensor };

function outputsOf(result: Outputs): Tensor[] {
  if (result instanceof Tensor) return [result];
  if (Array.isArray(result)) return [...result];
  return [(result as { values: Tensor }).values];
}

const isFloat = (t: Tensor) => t.dtype === "float32" || t.dtype === "float64";

/** The first gradients of sum(fn(xs) · v) with respect to the inputs that require grad, as a graph. */
export function firstGradients(fn: (...inputs: Tensor[]) => Outputs, inputs: Tensor[], upstreams: Tensor[]): Tensor[] {
  return enableGrad(() => {
    const standIns = inputs.map((x) => (x.requiresGrad ? x.mul(1) : x));
    for (const s of standIns) if (s.requiresGrad) s.retainGrad();
    const outputs = outputsOf(fn(...standIns)).filter(isFloat);
    let total: Tensor | null = null;
    outputs.forEach((o, n) => {
      if (!o.requiresGrad) return;
      const term = o.mul(upstreams[n]).sum();
      total = total === null ? term : total.add(term);
    });
    if (total !== null) (total as Tensor).backward({ createGraph: true });
    return standIns.flatMap((s, i) => (inputs[i].requiresGrad ? [s.grad ?? zerosLike(s)] : []));
  });
}

/** Deterministic float64 upstreams (one per float output) that require grad. */
export function upstreamsFor(fn: (...inputs: Tensor[]) => Outputs, inputs: Tensor[]): Tensor[] {
  const outputs = outputsOf(fn(...inputs)).filter(isFloat);
  return outputs.map((o, n) => {
    const v = new Float64Array(o.numel()).map((_, k) => 0.5 + 0.25 * ((k * 7 + n * 3) % 5) - 0.6);
    return Tensor.fromArray(v, o.shape, "float64").requiresGrad_();
  });
}

export function gradgradcheck(fn: (...inputs: Tensor[]) => Outputs, inputs: Tensor[], options: GradcheckOptions = {}): void {
  const upstreams = upstreamsFor(fn, inputs);
  const k = inputs.length;
  gradcheck((...all) => firstGradients(fn, all.slice(0, k), all.slice(k)), [...inputs, ...upstreams], {
    ...options,
    label: `${options.label ?? "gradgradcheck"} (second order)`,
  });
}
