import { Tensor } from "../tensor";
import { Node } from "./node";
import { isGradEnabled } from "../gradMode";
import { observer } from "../observer";
import { isFloating } from "../dtype";
import { noGrad } from "../gradMode";
import { packSaved, unpackSaved, type Packed } from "./savedHooks";

// torch.autograd.Function: a custom op with a hand-written backward (straight-through estimators,
// gradient reversal, clipped gradients). Subclass it with static forward(ctx, ...args) and
// static backward(ctx, ...grads), then call `MyFn.apply(...args)`. forward runs without recording;
// one node named `<Class>Backward` links the tensor arguments to the output.

export class FunctionCtx {
  private _saved: Array<{ tensor: Tensor; packed: Packed | null }> = [];
  /** for each argument of forward: whether it is a tensor that requires grad */
  needsInputGrad: boolean[] = [];
  /** read the saved tensors in backward (as PyTorch's ctx.saved_tensors) */
  get savedTensors(): Tensor[] {
    return this._saved.map((s) => (s.packed === null ? s.tensor : unpackSaved(s.packed)));
  }
  saveForBackward(...tensors: Array<Tensor | null>): void {
    // savedTensorsHooks apply to ctx.saveForBackward too (as in PyTorch)
    this._saved = tensors.filter((t): t is Tensor => t !== null).map((t) => ({ tensor: t, packed: packSaved(t) }));
  }
  /** PyTorch's ctx.mark_dirty / mark_non_differentiable / set_materialize_grads: accepted, no effect here */
  markDirty(..._tensors: Tensor[]): void {}
  markNonDifferentiable(..._tensors: Tensor[]): void {}
  setMaterializeGrads(_value: boolean): void {}
  [key: string]: unknown;
}

type BackwardResult = Tensor | null | undefined | Array<Tensor | null | undefined>;

export abstract class Function {
  static forward(_ctx: FunctionCtx, ..._args: any[]): Tensor {
    throw new Error("You must implement the forward function for custom autograd.Function.");
  }
  static backward(_ctx: FunctionCtx, ..._grads: Tensor[]): BackwardResult {
    throw new Error("You must implement either the backward or vjp method for your custom autograd.Function to use it with backward mode AD.");
  }

  static apply<T extends typeof Function>(this: T, ...args: unknown[]): Tensor {
    const ctx = new FunctionCtx();
    ctx.needsInputGrad = args.map((a) => a instanceof Tensor && a.requiresGrad);
    const result = noGrad(() => this.forward(ctx, ...args));
    if (!(result instanceof Tensor)) throw new Error(`${this.name}.forward must return a Tensor`);
    // a fresh tensor object sharing storage, so an input returned as is keeps its own history
    const out = new Tensor(result.storage, [...result.shape], [...result.strides], result.offset, result.dtype)._sameCounterAs(result);
    const positions = args.flatMap((a, i) => (a instanceof Tensor ? [i] : []));
    const inputs = positions.map((i) => args[i] as Tensor);
    const cls = this;
    // a user-defined op, not an engine op: its node is made here rather than through the op registry
    if (!isGradEnabled() || !isFloating(out.dtype) || !inputs.some((t) => t.requiresGrad)) {
      if (observer !== null) observer.onOp?.(cls.name, null, inputs, [out]);
      return out;
    }
    const node = new Node(`${cls.name}Backward`, inputs, (g) => {
      const raw = cls.backward(ctx, g);
      const grads = Array.isArray(raw) ? raw : [raw];
      if (grads.length < positions.length && grads.length !== args.length) {
        throw new Error(`function ${cls.name}Backward returned an incorrect number of gradients (expected ${args.length}, got ${grads.length})`);
      }
      // backward returns one gradient per forward argument; keep those of the tensor arguments
      const byArg = grads.length === args.length ? positions.map((i) => grads[i]) : grads;
      return byArg.map((t) => t ?? null);
    });
    node.exposesGrad = true;
    out._setGradFn(node);
    if (observer !== null) observer.onOp?.(cls.name, node, inputs, [out]);
    return out;
  }
}
