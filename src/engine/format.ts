import type { Tensor } from "./tensor";
import { contiguousData } from "./ops/kernel";

// toString in PyTorch's print style, ported from torch/_tensor_str.py with its default print options
// (precision 4, threshold 1000, edgeitems 3, linewidth 80):
//   tensor([[1., 2.],
//           [3., 4.]], requires_grad=True)

const PRECISION = 4;
const THRESHOLD = 1000;
const EDGE_ITEMS = 3;
const LINE_WIDTH = 80;

export function formatTensor(t: Tensor): string {
  const prefix = "tensor(";
  const indent = prefix.length;
  const suffixes: string[] = [];
  let body: string;
  if (t.numel() === 0) {
    if (t.dim() !== 1) suffixes.push(`size=(${t.shape.join(", ")})`);
    if (t.dtype !== "float32") suffixes.push(`dtype=torch.${t.dtype}`);
    body = "[]";
  } else {
    if (t.dtype === "float64") suffixes.push(`dtype=torch.${t.dtype}`);
    body = tensorStr(t, indent);
  }
  if (t.gradFn !== null) suffixes.push(`grad_fn=<${t.gradFn.name}>`);
  else if (t.requiresGrad) suffixes.push("requires_grad=True");
  return addSuffixes(prefix + body, suffixes, indent);
}

function addSuffixes(text: string, suffixes: string[], indent: number): string {
  const parts = [text];
  let lastLineLen = text.length - text.lastIndexOf("\n") + 1;
  for (const suffix of suffixes) {
    if (lastLineLen + suffix.length + 2 > LINE_WIDTH) {
      parts.push(",\n" + " ".repeat(indent) + suffix);
      lastLineLen = indent + suffix.length;
    } else {
      parts.push(", " + suffix);
      lastLineLen += suffix.length + 2;
    }
  }
  parts.push(")");
  return parts.join("");
}

/** A dense row-major copy of the data plus the shape, so slicing below is index arithmetic. */
interface Dense {
  data: ArrayLike<number>;
  shape: number[];
  start: number;
}

function tensorStr(t: Tensor, indent: number): string {
  const dense: Dense = { data: contiguousData(t), shape: [...t.shape], start: 0 };
  const summarize = t.numel() > THRESHOLD;
  const formatter = new Formatter(t.dtype, summarize ? summarizedValues(dense) : Array.from(dense.data));
  return strWithFormatter(dense, indent, summarize, formatter);
}

function sub(d: Dense, i: number): Dense {
  const inner = d.shape.slice(1).reduce((a, b) => a * b, 1);
  return { data: d.data, shape: d.shape.slice(1), start: d.start + i * inner };
}

/** The values PyTorch's get_summarized_data keeps: the first and last EDGE_ITEMS along every dim. */
function summarizedValues(d: Dense): number[] {
  if (d.shape.length === 0) return [d.data[d.start]];
  const size = d.shape[0];
  const rows = size > 2 * EDGE_ITEMS
    ? [...Array(EDGE_ITEMS).keys(), ...Array.from({ length: EDGE_ITEMS }, (_, i) => size - EDGE_ITEMS + i)]
    : [...Array(size).keys()];
  return rows.flatMap((i) => summarizedValues(sub(d, i)));
}

function strWithFormatter(d: Dense, indent: number, summarize: boolean, f: Formatter): string {
  const dim = d.shape.length;
  if (dim === 0) return f.format(d.data[d.start]);
  const size = d.shape[0];
  if (dim === 1) return vectorStr(d, indent, summarize, f);
  const edges = summarize && size > 2 * EDGE_ITEMS;
  const rows = edges
    ? [...Array(EDGE_ITEMS).keys(), -1, ...Array.from({ length: EDGE_ITEMS }, (_, i) => size - EDGE_ITEMS + i)]
    : [...Array(size).keys()];
  const slices = rows.map((i) => (i < 0 ? "..." : strWithFormatter(sub(d, i), indent + 1, summarize, f)));
  return "[" + slices.join("," + "\n".repeat(dim - 1) + " ".repeat(indent + 1)) + "]";
}

function vectorStr(d: Dense, indent: number, summarize: boolean, f: Formatter): string {
  const elementLength = f.width + 2;
  const perLine = Math.max(1, Math.floor((LINE_WIDTH - indent) / elementLength));
  const size = d.shape[0];
  const at = (i: number) => f.format(d.data[d.start + i]);
  let items: string[];
  if (summarize && size > 2 * EDGE_ITEMS) {
    items = [
      ...Array.from({ length: EDGE_ITEMS }, (_, i) => at(i)),
      " ...",
      ...Array.from({ length: EDGE_ITEMS }, (_, i) => at(size - EDGE_ITEMS + i)),
    ];
  } else {
    items = Array.from({ length: size }, (_, i) => at(i));
  }
  const lines: string[] = [];
  for (let i = 0; i < items.length; i += perLine) lines.push(items.slice(i, i + perLine).join(", "));
  return "[" + lines.join(",\n" + " ".repeat(indent + 1)) + "]";
}

/** PyTorch's _Formatter: one width and one mode (integer, fixed or scientific) for the whole tensor. */
class Formatter {
  width = 1;
  private readonly floating: boolean;
  private intMode = true;
  private sciMode = false;

  constructor(private readonly dtype: string, values: number[]) {
    this.floating = dtype === "float32" || dtype === "float64";
    if (!this.floating) {
      for (const v of values) this.width = Math.max(this.width, this.plain(v).length);
      return;
    }
    const finite = values.filter((v) => Number.isFinite(v) && v !== 0);
    if (finite.length === 0) return;
    const abs = finite.map(Math.abs);
    let max = abs[0], min = abs[0];
    for (const a of abs) {
      if (a > max) max = a;
      if (a < min) min = a;
    }
    this.intMode = finite.every((v) => v === Math.ceil(v));
    if (this.intMode) {
      this.sciMode = max / min > 1000 || max > 1e8;
      for (const v of finite) {
        this.width = Math.max(this.width, this.sciMode ? sci(v).length : fixed(v, 0).length + 1);
      }
    } else {
      this.sciMode = max / min > 1000 || max > 1e8 || min < 1e-4;
      for (const v of finite) this.width = Math.max(this.width, (this.sciMode ? sci(v) : fixed(v, PRECISION)).length);
    }
  }

  private plain(v: number): string {
    return this.dtype === "bool" ? (v ? "True" : "False") : String(v);
  }

  format(v: number): string {
    let s: string;
    if (!this.floating) s = this.plain(v);
    else if (this.sciMode) s = sci(v);
    else if (this.intMode) s = Number.isFinite(v) ? fixed(v, 0) + "." : special(v);
    else s = fixed(v, PRECISION);
    return s.padStart(this.width);
  }
}

function special(v: number): string {
  return Number.isNaN(v) ? "nan" : v > 0 ? "inf" : "-inf";
}

/** Python's "{:.Nf}": exact value rounded half to even (JS toFixed rounds exact ties up), "-0" kept. */
function fixed(v: number, digits: number): string {
  if (!Number.isFinite(v)) return special(v);
  let s = v.toFixed(digits);
  const exact = Math.abs(v).toFixed(Math.min(100, digits + 60));
  const rest = exact.slice(exact.indexOf(".") + 1 + digits);
  if (/^50*$/.test(rest)) {
    // an exact tie: toFixed went away from zero; go to the even neighbour instead
    const truncated = Number(exact.slice(0, exact.indexOf(".") + 1 + digits).replace(/\.$/, ""));
    const scaled = Math.round(truncated * 10 ** digits);
    const even = scaled % 2 === 0 ? scaled : scaled + 1;
    s = (even / 10 ** digits).toFixed(digits);
    if (v < 0) s = "-" + s;
  }
  if (Object.is(v, -0) || (v < 0 && !s.startsWith("-"))) s = "-" + s;
  return s;
}

/** Python's "{:.4e}": mantissa with PRECISION digits and a signed exponent of at least two digits. */
function sci(v: number): string {
  if (!Number.isFinite(v)) return special(v);
  const [mant, exp] = v.toExponential(PRECISION).split("e");
  const e = Number(exp);
  return `${Object.is(v, -0) ? "-" : ""}${mant}e${e < 0 ? "-" : "+"}${String(Math.abs(e)).padStart(2, "0")}`;
}
