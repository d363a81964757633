import type { Tensor } from "../tensor";
import { BACKWARD_TWICE, inplaceModified } from "../errors";
import { torchTypeName, elementSize, type DType } from "../dtype";
import { formatShape } from "../shape";
import { packSaved, unpackSaved, type Packed } from "./savedHooks";

/** Computes the gradients of a node's inputs from the gradient of its output. */
export type BackwardFn = (grad: Tensor, node: Node) => Array<Tensor | null>;
export type GradHook = (grad: Tensor) => Tensor | void | undefined;

let nextSequence = 0;

interface SavedTensor {
  tensor: Tensor;
  version: number;
  /** the tensor is this node's own output (PyTorch reports it as "output 0 of <node>") */
  isOutput: boolean;
  /** what autograd.graph.savedTensorsHooks' packHook returned for it (read back through unpackHook) */
  packed: Packed | null;
}

// A node of the backward graph (PyTorch's grad_fn). Saved tensors are freed by a backward without
// retainGraph; reading them afterwards raises PyTorch's "backward through the graph a second time".
export class Node {
  readonly sequenceNr = nextSequence++;
  readonly nextFunctions: Array<[Node | null, number]>;
  readonly needsInputGrad: boolean[];
  /** tensor hooks (registerHook / retainGrad on a non-leaf output), run on the incoming gradient */
  readonly preHooks: GradHook[] = [];
  /** retainGrad() of the output: runs after every preHook (PyTorch 2.x runs retains_grad hooks last) */
  readonly retainGradHooks: Array<(grad: Tensor) => void> = [];
  private savedTensors: SavedTensor[] | null;
  readonly savedBytes: number;
  /** shape and dtype of each input: backward checks every gradient against them (PyTorch's validate_outputs) */
  readonly inputMeta: ReadonlyArray<{ readonly shape: readonly number[]; readonly dtype: DType }>;
  /** set from the op's registration: its backward is not differentiable (see OpDefinition) */
  onceDifferentiable = false;
  /** its backward runs user code (a custom Function), which may keep the gradients it sees */
  exposesGrad = false;

  constructor(
    readonly name: string,
    inputs: readonly Tensor[],
    private readonly backwardFn: BackwardFn,
    saved: readonly Tensor[] = [],
    savedOutputs: readonly Tensor[] = [],
  ) {
    this.needsInputGrad = inputs.map((t) => t.requiresGrad);
    this.inputMeta = inputs.map((t) => ({ shape: [...t.shape], dtype: t.dtype }));
    this.nextFunctions = inputs.map((t) => (t.requiresGrad ? [t.gradFn ?? t.gradAccumulator(), 0] : [null, 0]));
    this.savedTensors = [
      ...saved.map((t) => ({ tensor: t, version: t.version, isOutput: false, packed: packSaved(t) })),
      ...savedOutputs.map((t) => ({ tensor: t, version: t.version, isOutput: true, packed: packSaved(t) })),
    ];
    let bytes = 0;
    for (const s of this.savedTensors) bytes += s.tensor.numel() * elementSize(s.tensor.dtype);
    this.savedBytes = bytes;
  }

  /** The i-th saved tensor (inputs first, then outputs), checked against in-place changes. */
  saved(i: number): Tensor {
    if (this.savedTensors === null) throw new Error(BACKWARD_TWICE);
    const s = this.savedTensors[i];
    if (s.tensor.version !== s.version) {
      const producer = s.isOutput ? this.name : s.tensor.gradFn?.name ?? null;
      throw new Error(
        inplaceModified(torchTypeName(s.tensor.dtype), formatShape(s.tensor.shape), producer, s.tensor.version, s.version),
      );
    }
    return s.packed === null ? s.tensor : unpackSaved(s.packed);
  }

  /** For in-place ops: the saved output `from` is really `to` (the tensor written in place), as of now. */
  replaceSavedOutput(from: Tensor, to: Tensor): void {
    if (this.savedTensors === null) return;
    for (const s of this.savedTensors) {
      if (s.isOutput && s.tensor === from) {
        s.tensor = to;
        s.version = to.version;
        if (s.packed !== null) s.packed = packSaved(to);
      }
    }
  }

  /**
   * For a backward that keeps what PyTorch keeps as a non-tensor (a wrapped scalar, CopySlices' fn):
   * PyTorch frees that too, so a second pass without retainGraph raises.
   */
  checkNotFreed(): void {
    if (this.savedTensors === null) throw new Error(BACKWARD_TWICE);
  }

  get released(): boolean {
    return this.savedTensors === null;
  }

  /** The saved tensors, for observers (memory accounting); empty once freed. */
  savedForBackward(): Tensor[] {
    return this.savedTensors === null ? [] : this.savedTensors.map((s) => s.tensor);
  }

  release(): void {
    this.savedTensors = null;
  }

  apply(grad: Tensor): Array<Tensor | null> {
    return this.backwardFn(grad, this);
  }

  toString(): string {
    return `<${this.name}>`;
  }
}

/** The node that adds incoming gradient into a leaf's `.grad`. */
export class AccumulateGrad extends Node {
  constructor(readonly variable: Tensor) {
    super("AccumulateGrad", [], () => []);
  }
}
