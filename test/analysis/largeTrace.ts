import { TRACE_VERSION, type Trace } from "../../src/trace/schema";

// A Trace as the tracer writes it for `new nn.Sequential(...n × nn.Linear(2, 2))` trained one step:
// 2n parameter tensors in n top-level modules, a chain of 2n ops, one backward reaching every
// parameter, one SGD step updating them. Built directly (not traced) so a test of the analysis's
// scaling spends its time in the analysis.

export function sequentialOfLinears(n: number, file = "big.ts"): Trace {
  const site = (line: number) => ({ file, line, column: 1 });
  const t: Trace = {
    version: TRACE_VERSION, file, leaves: [], ops: [], modules: [], detaches: [], gradModes: [], requiresGradChanges: [],
    inplaces: [], backwards: [], optimizers: [], steps: [], zeroGrads: [], bufferUpdates: [],
    stopped: { reason: "end-of-file", message: "the file ran to its end" }, error: null, console: [],
    limits: { maxOps: 200_000, opsDropped: 0, maxLeaves: 50_000, leavesDropped: 0 }, durationMs: 0,
  };
  let seq = 0;
  let tensor = 1;
  t.modules.push({ seq: seq++, id: 0, path: "model", className: "Sequential", parent: null, site: site(1), training: true, trainCalls: [], requiresGradCalls: [], parameters: [], buffers: [] });
  const params: number[] = [];
  for (let i = 0; i < n; i++) {
    const path = `model.${i}`;
    const w = tensor++;
    const b = tensor++;
    t.modules.push({ seq: seq++, id: i + 1, path, className: "Linear", parent: 0, site: site(1), training: true, trainCalls: [], requiresGradCalls: [], parameters: [w, b], buffers: [] });
    for (const [id, name, shape] of [[w, "weight", [2, 2]], [b, "bias", [2]]] as const) {
      t.leaves.push({ seq: seq++, id, name: `${path}.${name}`, kind: "parameter", factory: "Parameter", shape: [...shape], dtype: "float32", numel: shape.reduce((a, c) => a * c, 1), requiresGrad: true, requiresGradAtEnd: true, module: i + 1, modulePath: path, site: site(1) });
      params.push(id);
    }
  }
  const x = tensor++;
  t.leaves.push({ seq: seq++, id: x, name: "x", kind: "leaf", factory: "randn", shape: [1, 2], dtype: "float32", numel: 2, requiresGrad: false, requiresGradAtEnd: false, module: null, modulePath: null, site: site(3) });
  let input = { tensor: x, producer: null as number | null, requiresGrad: false };
  for (let i = 0; i < n; i++) {
    const out = tensor++;
    const id = t.ops.length;
    const [w, b] = [params[2 * i]!, params[2 * i + 1]!];
    t.ops.push({
      seq: seq++, id, op: "linear", gradFn: "AddmmBackward0",
      inputs: [input, { tensor: w, producer: null, requiresGrad: true }, { tensor: b, producer: null, requiresGrad: true }],
      outputs: [out], shape: [1, 2], dtype: "float32", gradEnabled: true, savedBytes: 24,
      saved: [{ tensor: input.tensor, bytes: 8, isParameter: false }, { tensor: w, bytes: 16, isParameter: true }],
      inPlace: false, module: i + 1, modulePath: `model.${i}`, site: site(3),
    });
    input = { tensor: out, producer: id, requiresGrad: true };
  }
  const loss = tensor++;
  t.ops.push({ seq: seq++, id: t.ops.length, op: "sum", gradFn: "SumBackward0", inputs: [input], outputs: [loss], shape: [], dtype: "float32", gradEnabled: true, savedBytes: 0, saved: [], inPlace: false, module: null, modulePath: null, site: site(3) });
  t.optimizers.push({ seq: seq++, id: 0, name: "opt", className: "SGD", groups: [{ lr: 0.1, momentum: 0, weightDecay: 0, params }], site: site(2) });
  t.backwards.push({ seq: seq++, index: 0, root: loss, rootProducer: t.ops.length - 1, retainGraph: false, createGraph: false, reached: params.map((p) => ({ tensor: p, gradNorm: 1 })), error: null, site: site(3) });
  t.steps.push({ seq: seq++, optimizer: 0, index: 0, lrs: [0.1], changes: params.map((p) => ({ tensor: p, changed: true, hadGrad: true })), site: site(4) });
  return t;
}
