import type { Tensor } from "./tensor";
import { contiguousData } from "./ops/kernel";

// toString in PyTorch's print style: tensor([[1., 2.],\n        [3., 4.]], requires_grad=True)

const SUMMARIZE_OVER = 1000;
const EDGE_ITEMS = 3;

export function formatTensor(t: Tensor): string {
  const data = contiguousData(t);
  const fmt = formatterFor(t, data);
  const body = t.dim() === 0 ? fmt(data[0]) : formatDim(t.shape, data, 0, 0, fmt, "tensor(".length + 1, t.numel() > SUMMARIZE_OVER);
  const suffix: string[] = [];
  if (t.dtype === "float64") suffix.push(`dtype=torch.${t.dtype}`);
  if (t.gradFn !== null) suffix.push(`grad_fn=<${t.gradFn.name}>`);
  else if (t.requiresGrad) suffix.push("requires_grad=True");
  if (t.numel() === 0 && t.dim() === 1) return `tensor([]${suffix.map((s) => `, ${s}`).join("")})`;
  return `tensor(${body}${suffix.map((s) => `, ${s}`).join("")})`;
}

function formatterFor(t: Tensor, data: ArrayLike<number>): (v: number) => string {
  if (t.dtype === "bool") return (v) => (v ? "True" : "False").padStart(5);
  const values = Array.from(data).filter((v) => Number.isFinite(v));
  if (t.dtype === "int64") {
    const width = Math.max(1, ...Array.from(data, (v) => String(v).length));
    return (v) => String(v).padStart(width);
  }
  const absNonZero = values.map(Math.abs).filter((v) => v > 0);
  const intMode = values.every((v) => Number.isInteger(v));
  const maxAbs = absNonZero.length ? Math.max(...absNonZero) : 0;
  const minAbs = absNonZero.length ? Math.min(...absNonZero) : 0;
  let one: (v: number) => string;
  if (intMode) {
    one = maxAbs > 1e8 ? sci : (v) => (Number.isFinite(v) ? `${v.toFixed(0)}.` : special(v));
  } else if (maxAbs / Math.max(minAbs, Number.MIN_VALUE) > 1000 || maxAbs > 1e8 || (minAbs > 0 && minAbs < 1e-4)) {
    one = sci;
  } else {
    one = (v) => (Number.isFinite(v) ? v.toFixed(4) : special(v));
  }
  const width = Math.max(1, ...Array.from(data, (v) => one(v).length));
  return (v) => one(v).padStart(width);
}

function sci(v: number): string {
  if (!Number.isFinite(v)) return special(v);
  const [mant, exp] = v.toExponential(4).split("e");
  const e = Number(exp);
  return `${mant}e${e < 0 ? "-" : "+"}${String(Math.abs(e)).padStart(2, "0")}`;
}

function special(v: number): string {
  return Number.isNaN(v) ? "nan" : v > 0 ? "inf" : "-inf";
}

function formatDim(shape: number[], data: ArrayLike<number>, dim: number, start: number, fmt: (v: number) => string, indent: number, summarize: boolean): string {
  const size = shape[dim];
  const step = shape.slice(dim + 1).reduce((a, b) => a * b, 1);
  const indices = summarize && size > 2 * EDGE_ITEMS
    ? [...Array(EDGE_ITEMS).keys(), -1, ...Array.from({ length: EDGE_ITEMS }, (_, i) => size - EDGE_ITEMS + i)]
    : [...Array(size).keys()];
  if (dim === shape.length - 1) {
    return `[${indices.map((i) => (i < 0 ? "..." : fmt(data[start + i]))).join(", ")}]`;
  }
  const rows = indices.map((i) => (i < 0 ? "..." : formatDim(shape, data, dim + 1, start + i * step, fmt, indent + 1, summarize)));
  const sep = "," + "\n".repeat(shape.length - dim - 1) + " ".repeat(indent);
  return `[${rows.join(sep)}]`;
}
