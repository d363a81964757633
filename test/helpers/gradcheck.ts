import { Tensor, noGrad } from "gradlens";
import { expectClose, firstMismatch } from "./expectClose";

// A float64 central-difference gradient check, like torch.autograd.gradcheck: the numerical Jacobian
// (perturbing each input element by ±eps) must match the analytical one, built row by row by calling
// backward with a one-hot `gradient` on each output element. Also checks that each grad has its
// input's shape and that a second backward with retainGraph gives identical grads.

export interface GradcheckOptions {
  eps?: number;
  atol?: number;
  rtol?: number;
  /** name used in failure messages */
  label?: string;
}

type Outputs = Tensor | readonly Tensor[] | { values: Tensor };

function outputsOf(result: Outputs): Tensor[] {
  if (result instanceof Tensor) return [result];
  if (Array.isArray(result)) return [...result];
  return [(result as { values: Tensor }).values];
}

function isFloat(t: Tensor): boolean {
  return t.dtype === "float32" || t.dtype === "float64";
}

/** The float outputs' elements, concatenated (the rows of the Jacobian). */
function flatOutputs(outputs: Tensor[]): number[] {
  const flat: number[] = [];
  for (const o of outputs) if (isFloat(o)) for (const v of o.dataSync()) flat.push(v);
  return flat;
}

export function gradcheck(fn: (...inputs: Tensor[]) => Outputs, inputs: Tensor[], options: GradcheckOptions = {}): void {
  const eps = options.eps ?? 1e-6, atol = options.atol ?? 1e-5, rtol = options.rtol ?? 1e-3;
  const label = options.label ?? "gradcheck";
  for (const [i, t] of inputs.entries()) {
    if (t.dtype === "float32") throw new Error(`${label}: input ${i} is float32; gradcheck needs float64 inputs`);
    if (t.requiresGrad && !t.isLeaf) throw new Error(`${label}: input ${i} must be a leaf`);
  }
  const diffIdx = inputs.flatMap((t, i) => (t.requiresGrad ? [i] : []));
  if (diffIdx.length === 0) throw new Error(`${label}: no input requires grad`);

  // Numerical Jacobian, column by column: perturb one input element in its storage.
  const base = noGrad(() => outputsOf(fn(...inputs)));
  const rows = flatOutputs(base).length;
  for (const o of base) if (isFloat(o) && o.dtype !== "float64") throw new Error(`${label}: output dtype ${o.dtype}, expected float64`);
  const numerical: number[][][] = diffIdx.map((i) => {
    const t = inputs[i];
    if (!t.isContiguous()) throw new Error(`${label}: input ${i} must be contiguous`);
    const data = t.storage.data;
    const cols: number[][] = [];
    for (let j = 0; j < t.numel(); j++) {
      const at = t.offset + j, orig = data[at];
      data[at] = orig + eps;
      const plus = flatOutputs(noGrad(() => outputsOf(fn(...inputs))));
      data[at] = orig - eps;
      const minus = flatOutputs(noGrad(() => outputsOf(fn(...inputs))));
      data[at] = orig;
      cols.push(plus.map((p, r) => (p - minus[r]) / (2 * eps)));
    }
    return cols;
  });

  // Analytical Jacobian, row by row: one backward per output element with a one-hot gradient.
  const outputs = outputsOf(fn(...inputs));
  const floatOutputs = outputs.filter((o) => isFloat(o) && o.requiresGrad);
  const analytical: number[][][] = diffIdx.map((i) => Array.from({ length: inputs[i].numel() }, () => new Array<number>(rows).fill(0)));
  let row = 0;
  for (const o of outputs) {
    if (!isFloat(o)) continue;
    for (let e = 0; e < o.numel(); e++, row++) {
      if (!floatOutputs.includes(o)) continue;
      for (const i of diffIdx) inputs[i].grad = null;
      const oneHot = new Float64Array(o.numel());
      oneHot[e] = 1;
      o.backward(Tensor.fromArray(oneHot, o.shape, "float64"), { retainGraph: true });
      diffIdx.forEach((i, k) => {
        const g = inputs[i].grad;
        if (g === null) return;
        checkGradShape(g, inputs[i], `${label}: grad of input ${i}`);
        const gd = g.dataSync();
        for (let j = 0; j < gd.length; j++) analytical[k][j][row] = gd[j];
      });
    }
  }

  diffIdx.forEach((i, k) => {
    for (let j = 0; j < inputs[i].numel(); j++) {
      const bad = firstMismatch(analytical[k][j], numerical[k][j], rtol, atol);
      if (bad !== -1) {
        throw new Error(
          `${label}: Jacobian mismatch for input ${i}, element ${j}, output element ${bad}: ` +
            `analytical ${analytical[k][j][bad]}, numerical ${numerical[k][j][bad]}`,
        );
      }
    }
  });

  checkReentrant(outputs, inputs, diffIdx, label);
  for (const i of diffIdx) inputs[i].grad = null;
}

function checkGradShape(g: Tensor, input: Tensor, what: string): void {
  if (g.shape.length !== input.shape.length || g.shape.some((s, d) => s !== input.shape[d])) {
    throw new Error(`${what} has shape [${g.shape}], expected [${input.shape}]`);
  }
  if (g.dtype !== input.dtype) throw new Error(`${what} has dtype ${g.dtype}, expected ${input.dtype}`);
}

/** Backward twice from the same outputs (retainGraph) with the same upstream must give identical grads. */
function checkReentrant(outputs: Tensor[], inputs: Tensor[], diffIdx: number[], label: string): void {
  const differentiable = outputs.filter((o) => isFloat(o) && o.requiresGrad);
  if (differentiable.length === 0) return;
  const run = () => {
    for (const i of diffIdx) inputs[i].grad = null;
    differentiable.forEach((o, n) => {
      const upstream = new Float64Array(o.numel()).map((_, k) => 1 + 0.25 * ((k + n) % 5));
      o.backward(Tensor.fromArray(upstream, o.shape, "float64"), { retainGraph: true });
    });
    return diffIdx.map((i) => (inputs[i].grad === null ? null : Array.from(inputs[i].grad!.dataSync())));
  };
  const first = run(), second = run();
  first.forEach((g, k) => {
    const h = second[k];
    if ((g === null) !== (h === null)) throw new Error(`${label}: grad of input ${diffIdx[k]} is null in only one of two backward calls`);
    if (g !== null) expectClose(h!, g, { rtol: 0, atol: 0, label: `${label}: second backward of input ${diffIdx[k]}` });
  });
}
