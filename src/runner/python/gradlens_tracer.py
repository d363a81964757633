"""GradLens tracer for PyTorch scripts: runs a script like `python train.py` would and writes the
GradLens Trace (src/trace/schema.ts, version 2) as JSON. Standard library and torch only.

Usage: python gradlens_tracer.py OUT.json CONFIG.json SCRIPT [ARGS...]
CONFIG: {"steps": N, "timeoutMs": T, "memoryMb": M, "messages": {"timeout": S, "memory": S, "steps": S}, "displayRoot": DIR or null}
(displayRoot: sites are written relative to it, as `gradlens check` prints them; null: absolute;
messages: the runner's wording of a limit stop, naming the caller's option or setting; "steps" is the
step budget as the user set it, e.g. "--steps 1").

What it observes and how (each the torch 1.13 / 2.x public seam):
- ops, detach, requires_grad and .grad assignments: a TorchFunctionMode (the outermost torch call
  only: F.linear is one op, its internals are not the model's);
- modules: nn.Module.__init__ and the global forward pre/post hooks; parameters: Parameter.__new__;
- grad modes: no_grad / enable_grad / set_grad_enabled / inference_mode entered from user code;
- backward: torch.autograd.backward, reach = the AccumulateGrad nodes behind the root's grad_fn;
- optimizers: Optimizer.__init__, step wrapped per class (step hooks exist only from torch 2.0),
  zero_grad; GradScaler.step (a call that returns without the optimizer's step is a skipped step);
  memory saved for backward: torch.autograd.graph.saved_tensors_hooks.
Sites are the innermost frame in the user's files (the script's folder, outside site-packages).
"""
import ast
import json
import os
import re
import resource
import runpy
import signal
import sys
import time
import traceback

TRACE_VERSION = 2
MAX_OPS = 200_000
MAX_LEAVES = 50_000
LONE_OPTIMIZER_FACTOR = 50
BACKWARDS_PER_STEP_WITHOUT_OPTIMIZER = 20
PHASE_WAIT_SHARE = 0.6
TRACER_FILE = os.path.realpath(__file__)
OVERRIDES_FILE = os.path.join("torch", "overrides.py")
ASSIGNED = re.compile(r"(?:^|[^\w])([A-Za-z_]\w*)\s*(?::[^=]*?)?=\s*(?:await\s+)?(?:[A-Za-z_]\w*\s*\.\s*)*$")
INPLACE_DUNDERS = {"__iadd__": "add_", "__isub__": "sub_", "__imul__": "mul_", "__itruediv__": "div_",
                   "__idiv__": "div_", "__ipow__": "pow_", "__imatmul__": "matmul_"}


class Stop(BaseException):
    """Ends the user's script early; BaseException so that `except Exception` in user code lets it pass."""

    def __init__(self, info):
        super().__init__(info["message"])
        self.info = info


def optimizer_construction_lines(source, optimizer_names):
    """Lines of the script's calls that make an optimizer (`torch.optim.SGD(...)`, `optim.Adam(...)`,
    `AdamW(...)`, an `import ... as` alias), read from its syntax tree: a multi-phase script (train a
    teacher, then distil a student) makes its second optimizer only after the first phase, so the
    early stop waits until every optimizer the script makes has been made and has stepped."""
    try:
        tree = ast.parse(source)
    except (SyntaxError, ValueError):
        return []  # the run reports the syntax error itself
    names = set(optimizer_names)
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("torch.optim"):
            names.update(a.asname for a in node.names if a.asname and a.name in optimizer_names)
    lines = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            f = node.func
            name = f.attr if isinstance(f, ast.Attribute) else f.id if isinstance(f, ast.Name) else None
            if name in names:
                lines.add(node.lineno)
    return sorted(lines)


def user_modules_imported(script_abs, source, is_user, limit=200):
    """The user's own modules the script imports, directly or through each other (`import phases`,
    `from training import distil`, `from . import utils`), as file paths: found next to the script the
    way `python script.py` finds them (sys.path[0] is its folder), kept when they are the user's files
    (Sites.is_user). Read from syntax trees, never run; at most `limit` files."""
    base = os.path.dirname(script_abs)
    found, queue, seen = [], [(script_abs, source)], {os.path.realpath(script_abs)}

    def candidates(module, origin, level):
        folder = base if level == 0 else os.path.dirname(origin)
        for _ in range(max(0, level - 1)):
            folder = os.path.dirname(folder)
        parts = [p for p in (module or "").split(".") if p]
        for i in range(len(parts), 0, -1):  # `a.b.c` imports a, a.b and a.b.c
            path = os.path.join(folder, *parts[:i])
            yield path + ".py"
            yield os.path.join(path, "__init__.py")

    while queue and len(found) < limit:
        origin, text = queue.pop()
        try:
            tree = ast.parse(text)
        except (SyntaxError, ValueError):
            continue
        for node in ast.walk(tree):
            wanted = []
            if isinstance(node, ast.Import):
                wanted = [(a.name, 0) for a in node.names]
            elif isinstance(node, ast.ImportFrom):
                wanted = [(node.module, node.level)]
                # `from pkg import mod` (and `from . import mod`): the names may be modules too
                wanted += [(".".join(p for p in (node.module, a.name) if p), node.level) for a in node.names]
            for module, level in wanted:
                for path in candidates(module, origin, level):
                    real = os.path.realpath(path)
                    if real in seen or not os.path.isfile(real) or not is_user(real):
                        continue
                    seen.add(real)
                    try:
                        with open(real, encoding="utf-8") as f:
                            queue.append((real, f.read()))
                    except (OSError, UnicodeDecodeError):
                        continue
                    found.append(real)
    return found


def ordinal(n):
    suffix = "th" if 11 <= n % 100 <= 13 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


class StopRule:
    """src/runner/stopRule.ts, the same rule and wording."""

    def __init__(self, steps, knob, phase_wait_until=float("inf")):
        self.steps = steps
        self.knob = knob  # "--steps 1" or "setting gradlens.stepBudget = 1" (limits.ts stepsKnob)
        # time.monotonic() after which a run stops waiting for a later phase's optimizer
        self.phase_wait_until = phase_wait_until
        self.made_lines = []  # the line each optimizer was made at (for the stop message)

    def before_step(self, optimizer, steps_by_optimizer, to_come=()):
        steps = self.steps
        mine = steps_by_optimizer[optimizer]
        if to_come:  # a later phase makes another optimizer: wait for it, within the time share
            if time.monotonic() < self.phase_wait_until:
                return None
            if all(c >= steps for c in steps_by_optimizer):
                places = ", ".join(to_come)
                return {"reason": "step-budget",
                        "message": f"stopped at {round(PHASE_WAIT_SHARE * 100)}% of the time budget: every optimizer made so far had stepped, but the one at {places} was not made yet"}
        if mine >= steps and all(c >= steps for c in steps_by_optimizer):
            n = len(steps_by_optimizer)
            made = [line for line in self.made_lines if line is not None]
            phases = f" (made at lines {', '.join(str(line) for line in made)})" if n > 1 and len(made) == n else ""
            what = "the optimizer" if n == 1 else f"all {n} optimizers{phases}"
            times = "once" if steps == 1 else f"{steps} times"
            return {"reason": "step-budget",
                    "message": f"stopped before the {ordinal(mine + 1)} optimizer step: {what} had stepped {times} ({self.knob})"}
        if mine >= steps * LONE_OPTIMIZER_FACTOR:
            return {"reason": "step-budget",
                    "message": f"stopped before the {ordinal(mine + 1)} step of one optimizer; another optimizer never stepped"}
        return None

    def before_scaler_step(self, skipped_in_row):
        """GradScaler skipping every step (a NaN loss) never reaches the step budget: bound it like a
        lone optimizer. Python only: the engine has no GradScaler, so stopRule.ts has no twin of it."""
        if skipped_in_row < self.steps * LONE_OPTIMIZER_FACTOR:
            return None
        return {"reason": "step-budget",
                "message": f"stopped before the {ordinal(skipped_in_row + 1)} scaler.step() of one optimizer: GradScaler skipped the {skipped_in_row} before it (inf or NaN gradients each time)"}

    def before_backward(self, n_optimizers, backwards):
        budget = self.steps * BACKWARDS_PER_STEP_WITHOUT_OPTIMIZER
        if n_optimizers > 0 or backwards < budget:
            return None
        return {"reason": "backward-budget",
                "message": f"stopped before the {ordinal(backwards + 1)} backward() call: the file has no optimizer, and {budget} backward() calls were checked ({self.knob} × {BACKWARDS_PER_STEP_WITHOUT_OPTIMIZER})"}


class Sites:
    """The user's file:line:column of the current call: the innermost frame in the user's files."""

    def __init__(self, user_root, display_root):
        self.user_root = os.path.join(os.path.realpath(user_root), "")
        self.display_root = display_root
        self.is_user_cache = {}
        self.display_cache = {}
        self.lines = {}

    def is_user(self, filename):
        known = self.is_user_cache.get(filename)
        if known is None:
            real = os.path.realpath(filename) if not filename.startswith("<") else ""
            known = (real.startswith(self.user_root) and real != TRACER_FILE
                     and "site-packages" not in real and "dist-packages" not in real)
            self.is_user_cache[filename] = known
        return known

    def display(self, filename):
        shown = self.display_cache.get(filename)
        if shown is None:
            real = os.path.realpath(filename)
            shown = real
            if self.display_root is not None:
                rel = os.path.relpath(real, self.display_root)
                if not rel.startswith(".."):
                    shown = rel
            shown = shown.replace(os.sep, "/")
            self.display_cache[filename] = shown
        return shown

    def of_frame(self, frame):
        code = frame.f_code
        line, column = frame.f_lineno, 1
        try:
            positions = list(code.co_positions())[frame.f_lasti // 2]
            if positions[0] is not None:
                line = positions[0]
            if positions[2] is not None:
                column = positions[2] + 1
        except (AttributeError, IndexError):
            pass  # Python < 3.11: lines only
        return {"file": self.display(code.co_filename), "line": line or 1, "column": column}

    def capture(self, skip_self=None, skip_names=("__init__",)):
        """skip_self: frames of `skip_names` methods of that object (a module's own constructor) are not its site."""
        frame = sys._getframe(1)
        while frame is not None:
            if self.is_user(frame.f_code.co_filename):
                if skip_self is None or frame.f_code.co_name not in skip_names or frame.f_locals.get("self") is not skip_self:
                    return self.of_frame(frame)
            frame = frame.f_back
        return None

    def callers(self, skip_self, limit=4):
        """The sites of the user frames outside the innermost one (a factory's call site names what it built)."""
        out = []
        frame = sys._getframe(1)
        while frame is not None and len(out) <= limit:
            if self.is_user(frame.f_code.co_filename):
                if frame.f_code.co_name not in ("__init__",) or frame.f_locals.get("self") is not skip_self:
                    out.append(self.of_frame(frame))
            frame = frame.f_back
        return out[1:]

    def line(self, file, line):
        text = self.lines.get(file)
        if text is None:
            path = file if os.path.isabs(file) or self.display_root is None else os.path.join(self.display_root, file)
            try:
                with open(path, encoding="utf-8") as f:
                    text = f.read().split("\n")
            except OSError:
                text = []
            self.lines[file] = text
        return text[line - 1] if 0 < line <= len(text) else None

    def variable_at(self, site):
        if site is None:
            return None
        current = self.line(site["file"], site["line"])
        if current is None:
            return None
        prefix = current[: max(0, site["column"] - 1)]
        if prefix.strip() == "" and site["line"] > 1:
            prefix = (self.line(site["file"], site["line"] - 1) or "") + " " + prefix
        m = ASSIGNED.search(prefix)
        return m.group(1) if m else None


def finite_or_none(x):
    return x if x == x and x not in (float("inf"), float("-inf")) else None


class Tracer:
    def __init__(self, torch, sites, rule, script_display=None, optimizer_lines=()):
        self.torch = torch
        self.sites = sites
        self.rule = rule
        # where the script makes optimizers (optimizer_construction_lines), so the stop waits for later phases
        self.script_display = script_display
        self.optimizer_lines = list(optimizer_lines)
        self.seq = 0
        self.next_tensor_id = 1
        self.leaves = {}  # tensor id -> (record, weakref or None)
        self.ops = []
        self.producer_of = {}
        self.modules = []  # (record, module)
        self.module_callers = []  # per module: its callers' sites (see root_name)
        self.module_ids = {}  # id(module) -> module id
        self.optimizers = []  # [record, optimizer, steps]
        self.optimizer_ids = {}
        self.detaches = []
        self.grad_modes = []
        self.rg_changes = []
        self.inplaces = []
        self.backwards = []
        self.steps = []
        # per optimizer id: its step() calls begun, its step records (skipped ones included), and
        # GradScaler's skips since its last step that ran
        self.step_calls = {}
        self.step_records = {}
        self.skips_in_row = {}
        self.zero_grads = []
        self.buffer_updates = []
        self.module_stack = []
        self.machinery = 0  # >0 inside backward, step, zero_grad, module construction: not the model's ops
        self.saved = None
        self.module_rg = None  # module id while its requires_grad_() runs
        self.grad_owner = {}  # a leaf's current .grad tensor id -> leaf id
        self.param_by_storage = None  # storage address -> parameter id (aliased_leaf), rebuilt when stale
        self.open_clear = None
        self.ops_dropped = 0
        self.leaves_dropped = 0
        self.float_dtypes = {torch.float16, torch.float32, torch.float64, torch.bfloat16}

    def next_seq(self):
        s = self.seq
        self.seq += 1
        return s

    # ---- tensors --------------------------------------------------------------------------------

    def tid(self, t):
        i = t.__dict__.get("_gradlens_id")
        if i is None:
            i = self.next_tensor_id
            self.next_tensor_id += 1
            try:
                t._gradlens_id = i
            except (AttributeError, RuntimeError):
                pass
        return i

    def add_leaf(self, t, factory, site, kind="leaf"):
        if len(self.leaves) >= MAX_LEAVES:
            self.leaves_dropped += 1
            return None
        import weakref
        i = self.tid(t)
        rec = {
            "seq": self.next_seq(), "id": i, "name": "", "kind": kind, "factory": factory,
            "shape": list(t.shape), "dtype": str(t.dtype).replace("torch.", ""), "numel": t.numel(),
            "requiresGrad": bool(t.requires_grad), "requiresGradAtEnd": bool(t.requires_grad),
            "module": None, "modulePath": None, "site": site,
        }
        try:
            ref = weakref.ref(t)
        except TypeError:
            ref = None
        self.leaves[i] = (rec, ref)
        if kind == "parameter":
            self.param_by_storage = None
        return rec

    def ensure_leaf(self, t):
        """A leaf first seen where it is used (a Parameter made before tracing, a tensor from numpy)."""
        i = self.tid(t)
        if i in self.leaves or i in self.producer_of:
            return i
        if t.grad_fn is None and (t.requires_grad or isinstance(t, self.torch.nn.Parameter)):
            kind = "parameter" if isinstance(t, self.torch.nn.Parameter) else "leaf"
            self.add_leaf(t, "Parameter" if kind == "parameter" else "tensor", self.sites.capture(), kind)
        return i

    def storage_address(self, t):
        # untyped_storage() from torch 2.0; 1.13's storage() (which 2.x deprecates) is the same memory
        storage = getattr(t, "untyped_storage", None) or t.storage
        try:
            return storage().data_ptr()
        except (RuntimeError, TypeError, NotImplementedError):
            return 0  # a tensor without storage (sparse, a functorch wrapper)

    def aliased_leaf(self, t):
        """The parameter whose memory `t` is another tensor over (`p.data`, `p.detach()`, a
        state_dict() value, a view): found by its storage's address, and only while the parameter
        still holds that storage (`p.data = x` and `.to()` give it another)."""
        address = self.storage_address(t)
        if address == 0:
            return None  # empty tensors share address 0
        for attempt in (0, 1):
            if self.param_by_storage is None:
                table = {}
                for i, (rec, ref) in self.leaves.items():
                    p = ref() if ref is not None and rec["kind"] == "parameter" else None
                    if p is not None:
                        table.setdefault(self.storage_address(p), i)
                self.param_by_storage = table
            i = self.param_by_storage.get(address)
            if i is None:
                return None
            entry = self.leaves.get(i)
            p = entry[1]() if entry is not None and entry[1] is not None else None
            if p is not None and self.storage_address(p) == address:
                return i
            self.param_by_storage = None  # stale: rebuild once
        return None

    def hand_write(self, target, op, site, producer=None, alias_of=None):
        rec = {"seq": self.next_seq(), "tensor": target, "op": op, "producer": producer, "site": site}
        if alias_of is not None:
            rec["aliasOf"] = alias_of
        self.inplaces.append(rec)

    def parameters_changed_by(self, module, state_dict):
        """The parameters module.load_state_dict(sd) is about to give other values: those whose key sd
        has, unless sd holds what they hold already (restoring the best weights after a fine-tune
        writes a frozen backbone with its own values). Compared before the load: no copy is made."""
        torch = self.torch
        out = []
        try:
            for name, p in module.named_parameters():
                v = state_dict.get(name) if hasattr(state_dict, "get") else None
                if v is None:
                    continue
                try:
                    # load_state_dict casts to the parameter's dtype, so the values are compared after it
                    same = isinstance(v, torch.Tensor) and v.shape == p.shape and torch.equal(v.to(p.dtype), p.detach())
                except (RuntimeError, TypeError):
                    same = False
                if not same:
                    out.append(p)
        except Exception:  # noqa: BLE001 — an odd mapping or module: the load reports its own errors
            return []
        return out

    def on_load_state_dict(self, params):
        """module.load_state_dict(sd) wrote these parameters, as copy_ under no_grad at the caller's line."""
        site = self.sites.capture()
        for p in params:
            i = self.ensure_leaf(p)
            if i in self.leaves:
                self.hand_write(i, "load_state_dict", site)

    def on_parameter(self, p, data):
        if data is not None:
            source = data.__dict__.get("_gradlens_id")
            if source is not None and source in self.leaves and self.leaves[source][0]["kind"] == "leaf":
                del self.leaves[source]  # the data it was made from is the same memory
        self.add_leaf(p, "Parameter", self.sites.capture(), "parameter")

    # ---- ops ------------------------------------------------------------------------------------

    def on_call(self, func, args, kwargs):
        name = getattr(func, "__name__", None) or str(func)
        torch = self.torch
        if name == "__get__":
            return func(*args, **kwargs)
        if name == "__set__":
            return self.on_set(func, args, kwargs)
        if name == "requires_grad_":
            return self.on_requires_grad(args[0], args[1] if len(args) > 1 else kwargs.get("requires_grad", True), "requiresGrad_", func, args, kwargs)
        if not self.module_stack and not self.called_from_user(name):
            if self.backwards and (name.endswith("_") and not name.endswith("__") or name in INPLACE_DUNDERS):
                return self.library_write(func, name, args, kwargs)
            return func(*args, **kwargs)  # torch's own code outside a forward: nn.init, data loading, grad clipping
        if name == "detach" or name == "detach_":
            return self.on_detach(func, name, args, kwargs)
        if name in ("backward", "register_hook", "retain_grad", "item", "tolist", "numpy", "dim", "size", "numel",
                    "__repr__", "__format__", "__len__", "__iter__", "__bool__", "__float__", "__int__", "__index__",
                    "data_ptr", "is_floating_point", "element_size", "stride", "storage_offset", "__hash__", "__contains__"):
            return func(*args, **kwargs)
        in_place = name in INPLACE_DUNDERS or (name.endswith("_") and not name.endswith("__"))
        op = INPLACE_DUNDERS.get(name) or (name[2:-2].lstrip("r") if name.startswith("__r") and name.endswith("__") and name not in ("__rshift__",) else name.strip("_") if name.startswith("__") else name)
        inputs = []
        for a in args:
            self.collect_inputs(a, inputs)
        if kwargs:
            for a in kwargs.values():
                self.collect_inputs(a, inputs)
        ins = [{"tensor": self.ensure_leaf(t), "producer": None, "requiresGrad": bool(t.requires_grad)} for t in inputs]
        for entry in ins:
            entry["producer"] = self.producer_of.get(entry["tensor"])
        saved = []
        outer = self.saved
        self.saved = saved
        try:
            result = func(*args, **kwargs)
        finally:
            self.saved = outer
        outputs = []
        self.collect_inputs(result, outputs, depth=1)
        if not outputs:
            if in_place and name.startswith("_foreach_") and args and isinstance(args[0], (list, tuple)):
                self.foreach_writes(args[0], op)
            return result
        if not inputs:
            # a factory (torch.randn, torch.tensor, ...): a leaf, not an op
            for t in outputs:
                if t.grad_fn is None and "_gradlens_id" not in t.__dict__:
                    self.add_leaf(t, name, self.sites.capture())
            return result
        if len(self.ops) >= MAX_OPS:
            self.ops_dropped += 1
            for t in outputs:
                self.producer_of.pop(self.tid(t), None)
            return result
        op_id = len(self.ops)
        out_ids = []
        for t in outputs:
            i = self.tid(t)
            out_ids.append(i)
            self.producer_of[i] = op_id
        first = outputs[0]
        gf = first.grad_fn
        site = self.sites.capture()
        rec = {
            "seq": self.next_seq(), "id": op_id, "op": op, "gradFn": None if gf is None else type(gf).__name__,
            "inputs": ins, "outputs": out_ids, "shape": list(first.shape),
            "dtype": str(first.dtype).replace("torch.", ""), "gradEnabled": torch.is_grad_enabled(),
            "savedBytes": sum(s[1] for s in saved), "saved": [{"tensor": s[0], "bytes": s[1], "isParameter": s[2]} for s in saved],
            "inPlace": bool(in_place and ins and ins[0]["tensor"] == out_ids[0]),
            "module": self.module_stack[-1] if self.module_stack else None, "modulePath": None, "site": site,
        }
        self.ops.append(rec)
        if rec["inPlace"]:
            target = out_ids[0]
            if gf is None and target in self.leaves:
                self.producer_of.pop(target, None)  # a leaf written under no_grad stays a leaf
            alias_of = self.aliased_leaf(first) if gf is None and target not in self.leaves else None
            self.hand_write(target, op, site, op_id, alias_of)
            if op == "zero_":
                leaf = self.grad_owner.get(target)
                if leaf is not None:
                    self.hand_clear(leaf, False, site)
        return result

    def library_write(self, func, name, args, kwargs):
        """An in-place op a library ran for the file once training began: timm's ModelEmaV2/V3 and
        torch's swa_utils write the EMA copy's parameters from their own code (`ema_v.copy_(...)`,
        torch._foreach_lerp_). Only a write into a parameter's memory is recorded, at the user's line
        that called the library; its ops are the library's, not the model's."""
        result = func(*args, **kwargs)
        foreach = name.startswith("_foreach_") and args and isinstance(args[0], (list, tuple))
        site = None
        for t in (args[0] if foreach else args[:1]):
            if not isinstance(t, self.torch.Tensor) or t.grad_fn is not None:
                continue
            i = t.__dict__.get("_gradlens_id")
            own = i is not None and i in self.leaves
            leaf = i if own else self.aliased_leaf(t)
            if leaf is None or self.leaves[leaf][0]["kind"] != "parameter":
                continue
            if site is None:
                site = self.sites.capture()
            self.hand_write(leaf if own else self.tid(t), INPLACE_DUNDERS.get(name, name), site, None, None if own else leaf)
        return result

    def foreach_writes(self, tensors, op):
        """torch._foreach_mul_(params, m) (timm's ModelEmaV3 lerps with _foreach_lerp_): an in-place
        write into each tensor of the list, with no output to record as an op."""
        site = self.sites.capture()
        for t in tensors:
            if not isinstance(t, self.torch.Tensor) or t.grad_fn is not None:
                continue
            target = self.tid(t)
            self.hand_write(target, op, site, None, None if target in self.leaves else self.aliased_leaf(t))

    def called_from_user(self, name, depth=3):
        """The torch function was called by the user's code (not by torch's, e.g. nn.init in a constructor)."""
        frame = sys._getframe(depth)  # called_from_user < on_call < the mode's __torch_function__ < the caller
        while frame is not None and frame.f_code.co_filename.endswith(OVERRIDES_FILE):
            frame = frame.f_back
        if frame is not None and not self.sites.is_user(frame.f_code.co_filename) and frame.f_code.co_name in (name, "wrapped"):
            frame = frame.f_back  # the Python function itself (F.cross_entropy, Tensor.__rsub__)
        return frame is not None and self.sites.is_user(frame.f_code.co_filename)

    def collect_inputs(self, a, out, depth=2):
        if isinstance(a, self.torch.Tensor):
            out.append(a)
        elif depth > 0 and isinstance(a, (list, tuple)):
            for b in a:
                self.collect_inputs(b, out, depth - 1)

    def on_pack(self, t):
        if self.saved is not None:
            i = t.__dict__.get("_gradlens_id")
            is_param = i is not None and i in self.leaves and self.leaves[i][0]["kind"] == "parameter"
            self.saved.append((self.tid(t), t.numel() * t.element_size(), is_param))
        return t

    def on_detach(self, func, name, args, kwargs):
        source = args[0]
        sid = self.ensure_leaf(source)
        requires = bool(source.requires_grad)
        producer = self.producer_of.get(sid)
        result = func(*args, **kwargs)
        rid = self.tid(result)
        self.detaches.append({
            "seq": self.next_seq(), "source": sid, "result": rid, "inPlace": name == "detach_",
            "sourceProducer": producer, "sourceRequiresGrad": requires,
            "module": self.module_stack[-1] if self.module_stack else None, "modulePath": None,
            "site": self.sites.capture(),
        })
        if name == "detach_":
            self.producer_of.pop(sid, None)
        return result

    def on_set(self, func, args, kwargs):
        prop = getattr(getattr(func, "__self__", None), "__name__", "")
        if prop == "requires_grad" and len(args) >= 2 and isinstance(args[0], self.torch.Tensor):
            return self.on_requires_grad(args[0], args[1], "requiresGrad", func, args, kwargs)
        result = func(*args, **kwargs)
        if prop == "data" and len(args) >= 2 and isinstance(args[0], self.torch.Tensor):
            self.param_by_storage = None  # the parameter's aliases are another memory from now on
            i = args[0].__dict__.get("_gradlens_id")
            # MoCo v1's `pk.data = pk.data * m + pq.data * (1 - m)`; not torch's own (`.to()`, `.half()`)
            if i is not None and i in self.leaves and self.called_from_user("__set__", 4):
                self.hand_write(i, "data=", self.sites.capture())
        if prop == "grad" and len(args) >= 2 and isinstance(args[0], self.torch.Tensor):
            i = args[0].__dict__.get("_gradlens_id")
            if i is not None and i in self.leaves:
                value = args[1]
                if value is not None:
                    self.grad_owner[self.tid(value)] = i
                self.hand_clear(i, value is None, self.sites.capture())
        return result

    def on_requires_grad(self, t, flag, via, func, args, kwargs):
        result = func(*args, **kwargs)
        if self.machinery and self.module_rg is None:
            return result
        i = self.ensure_leaf(t)
        if i not in self.leaves:
            # the result of an op that recorded no graph (style transfer's `input_img = content_img.clone()`)
            # is a leaf: named after the line that made it, and later ops read it as a leaf
            made = self.producer_of.get(i) if t.grad_fn is None else None
            if made is not None:
                self.add_leaf(t, self.ops[made]["op"], self.ops[made]["site"])
                self.producer_of.pop(i, None)
            else:
                self.add_leaf(t, "tensor", self.sites.capture())
        self.leaves[i][0]["requiresGradAtEnd"] = bool(flag)
        module = self.module_rg
        self.rg_changes.append({
            "seq": self.next_seq(), "tensor": i, "flag": bool(flag), "via": "module" if module is not None else via,
            "module": module, "site": self.sites.capture(),
        })
        return result

    def hand_clear(self, leaf, set_to_none, site):
        o = self.open_clear
        if o is not None and o["rec"]["setToNone"] == set_to_none and o["rec"]["site"] == site:
            if leaf not in o["ids"]:
                o["ids"].add(leaf)
                o["rec"]["owner"]["tensors"].append(leaf)
            return
        rec = {"seq": self.next_seq(), "owner": {"kind": "assignment", "tensors": [leaf]}, "setToNone": set_to_none, "site": site}
        self.zero_grads.append(rec)
        self.open_clear = {"rec": rec, "ids": {leaf}}

    # ---- grad modes -----------------------------------------------------------------------------

    def grad_mode(self, kind, enabled=None):
        rec = {"seq": self.next_seq(), "kind": kind, "enabledAfter": self.torch.is_grad_enabled(), "site": self.sites.capture()}
        if enabled is not None:
            rec["enabled"] = bool(enabled)
        self.grad_modes.append(rec)

    # ---- modules --------------------------------------------------------------------------------

    def module_entry(self, m):
        known = self.module_ids.get(id(m))
        if known is not None and self.modules[known][1] is m:
            return known
        mid = len(self.modules)
        rec = {
            "seq": self.next_seq(), "id": mid, "path": "", "className": type(m).__name__, "parent": None,
            "site": self.sites.capture(skip_self=m), "training": True, "trainCalls": [], "requiresGradCalls": [],
            "parameters": [], "buffers": [],
        }
        self.modules.append((rec, m))
        self.module_callers.append(self.sites.callers(m))
        self.module_ids[id(m)] = mid
        return mid

    def module_train(self, m, mode):
        mid = self.module_entry(m)
        self.modules[mid][0]["trainCalls"].append({"seq": self.next_seq(), "mode": bool(mode), "site": self.sites.capture()})

    def forward_enter(self, m):
        self.module_stack.append(self.module_entry(m))

    def forward_exit(self, m):
        mid = self.module_ids.get(id(m))
        if mid is not None and mid in self.module_stack:
            at = len(self.module_stack) - 1 - self.module_stack[::-1].index(mid)
            del self.module_stack[at:]
        # BatchNorm in training mode moves its running statistics: a buffer update, as the engine reports
        if m.training and getattr(m, "track_running_stats", False) and isinstance(m, self.torch.nn.modules.batchnorm._NormBase):
            site = self.sites.capture()
            for name in ("running_mean", "running_var"):
                b = getattr(m, name, None)
                if b is not None:
                    self.buffer_updates.append({"seq": self.next_seq(), "module": self.module_entry(m), "modulePath": "",
                                                "name": name, "tensor": self.tid(b), "site": site})

    # ---- backward -------------------------------------------------------------------------------

    def before_backward(self):
        decision = self.rule.before_backward(len(self.optimizers), len(self.backwards))
        if decision:
            self.halt(decision, self.sites.capture())

    def reach_of(self, roots):
        """The leaves behind the roots' grad_fn: the AccumulateGrad nodes a backward() accumulates into."""
        found = []
        seen = {}  # id -> node: holding the node keeps its id from being reused by the next wrapper
        stack = []
        for r in roots:
            if r.grad_fn is not None:
                stack.append(r.grad_fn)
            elif r.requires_grad:
                found.append(r)
        while stack:
            node = stack.pop()
            if node is None or id(node) in seen:
                continue
            seen[id(node)] = node
            variable = getattr(node, "variable", None)
            if variable is not None:
                found.append(variable)
                continue
            for nxt, _ in node.next_functions:
                if nxt is not None:
                    stack.append(nxt)
        return found

    def record_backward(self, roots, retain_graph, create_graph, run):
        self.open_clear = None
        root = roots[0]
        rid = self.ensure_leaf(root)
        rec = {
            "seq": self.next_seq(), "index": len(self.backwards), "root": rid, "rootProducer": self.producer_of.get(rid),
            "retainGraph": bool(retain_graph if retain_graph is not None else create_graph), "createGraph": bool(create_graph),
            "reached": [], "error": None, "site": self.sites.capture(),
        }
        leaves = self.reach_of(roots)
        error = None
        try:
            return run()
        except Exception as e:
            error = e
            rec["error"] = str(e)
            raise
        finally:
            if error is None:
                for leaf in leaves:
                    i = self.tid(leaf)
                    if i not in self.leaves:
                        self.ensure_leaf(leaf)
                    g = leaf.grad
                    norm = None
                    if g is not None:
                        self.grad_owner[self.tid(g)] = i
                        norm = finite_or_none(float(g.detach().double().norm()))
                    rec["reached"].append({"tensor": i, "gradNorm": norm})
            self.backwards.append(rec)

    def root_name(self, rec):
        """The variable the module is assigned to, else the one its factory's result is assigned to
        (`teacher = make_net(32)`), else ClassName#id."""
        for site in [rec["site"], *self.module_callers[rec["id"]]]:
            name = self.sites.variable_at(site)
            if name is not None:
                return name
        return f"{rec['className']}#{rec['id']}"

    # ---- optimizers -----------------------------------------------------------------------------

    def optimizer_entry(self, o):
        known = self.optimizer_ids.get(id(o))
        if known is not None and self.optimizers[known][1] is o:
            return known
        oid = len(self.optimizers)
        rec = {"seq": self.next_seq(), "id": oid, "name": "", "className": type(o).__name__, "groups": [],
               "site": self.sites.capture(skip_self=o)}
        self.optimizers.append([rec, o, 0])
        self.optimizer_ids[id(o)] = oid
        for g in o.param_groups:
            for p in g["params"]:
                self.ensure_leaf(p)
        return oid

    def place(self, file, line):
        """Where an optimizer is made, for the stop message: "line 12" in the script, else "utils.py:7"."""
        return f"line {line}" if file == self.script_display else f"{file}:{line}"

    def step(self, o, run, has_closure=False):
        oid = self.optimizer_entry(o)
        self.step_calls[oid] = self.step_calls.get(oid, 0) + 1
        site = self.sites.capture(skip_self=o, skip_names=("step",))
        made = [e[0]["site"] for e in self.optimizers]
        self.rule.made_lines = [m["line"] if m is not None else None for m in made]
        to_come = [self.place(file, line) for file, line in self.optimizer_lines
                   if not any(m is not None and m["file"] == file and m["line"] == line for m in made)]
        decision = self.rule.before_step(oid, [e[2] for e in self.optimizers], to_come)
        if decision:
            self.halt(decision, site)
        before = []
        for g in o.param_groups:
            for p in g["params"]:
                before.append((p, p.detach().clone(), p.grad is not None))
        lrs = [float(g.get("lr", 0.0)) for g in o.param_groups]
        result = run()
        changes = []
        for p, old, had_grad in before:
            i = self.tid(p)
            # a closure computed the gradient the step used (the TS LBFGS reports after its first evaluation)
            had_grad = had_grad or (has_closure and p.grad is not None)
            self.ensure_leaf(p)
            diff = float((p.detach() - old).abs().max()) if p.numel() > 0 else 0.0
            # a NaN or inf before or after makes diff NaN or inf, != 0: changed, as the TS tracer says
            changed = bool(diff != 0)
            changes.append({"tensor": i, "changed": changed, "hadGrad": had_grad})
        self.open_clear = None
        self.steps.append({"seq": self.next_seq(), "optimizer": oid, "index": self.next_step_index(oid), "lrs": lrs, "changes": changes, "site": site})
        self.optimizers[oid][2] += 1
        self.skips_in_row[oid] = 0
        return result

    def next_step_index(self, oid):
        i = self.step_records.get(oid, 0)
        self.step_records[oid] = i + 1
        return i

    def scaler_step(self, o, run):
        """GradScaler.step(o): it calls o.step() only when the unscaled gradients are all finite. A call
        that returns without it is recorded as a skipped step: it read the gradients (the user clears
        them next) but changed nothing, and it is not a step of the budget (the check waits for one
        that runs)."""
        oid = self.optimizer_ids.get(id(o))
        if oid is None or self.optimizers[oid][1] is not o:
            return run()  # not a torch optimizer the run made
        site = self.sites.capture(skip_self=o, skip_names=("step",))
        decision = self.rule.before_scaler_step(self.skips_in_row.get(oid, 0))
        if decision:
            self.halt(decision, site)
        had = [(p, p.grad is not None) for g in o.param_groups for p in g["params"]]
        lrs = [float(g.get("lr", 0.0)) for g in o.param_groups]
        calls = self.step_calls.get(oid, 0)
        result = run()
        if self.step_calls.get(oid, 0) == calls:
            changes = []
            for p, had_grad in had:
                self.ensure_leaf(p)
                changes.append({"tensor": self.tid(p), "changed": False, "hadGrad": had_grad})
            self.open_clear = None
            self.steps.append({"seq": self.next_seq(), "optimizer": oid, "index": self.next_step_index(oid), "lrs": lrs,
                               "changes": changes, "site": site, "skipped": True})
            self.skips_in_row[oid] = self.skips_in_row.get(oid, 0) + 1
        return result

    def zero_grad(self, owner, set_to_none):
        self.open_clear = None
        oid = self.optimizer_ids.get(id(owner))
        mid = self.module_ids.get(id(owner))
        if oid is not None:
            kind = {"kind": "optimizer", "optimizer": oid}
        elif mid is not None:
            kind = {"kind": "module", "module": mid}
        else:
            kind = {"kind": "other"}
        self.zero_grads.append({"seq": self.next_seq(), "owner": kind, "setToNone": bool(set_to_none), "site": self.sites.capture()})

    # ---- stopping -------------------------------------------------------------------------------

    def halt(self, decision, site):
        info = dict(decision)
        if site is not None:
            info.update(site)
        raise Stop(info)

    # ---- result ---------------------------------------------------------------------------------

    def finish(self, stopped, error, duration_ms):
        torch = self.torch
        names = {}

        def take(base):
            n = names.get(base, 0) + 1
            names[base] = n
            return base if n == 1 else f"{base}#{n}"

        # a module made without its __init__ (copy.deepcopy: timm's ModelEma, swa_utils.AveragedModel)
        # is known only once something calls it: a known module's child is one too, named under it
        k = 0
        while k < len(self.modules):
            m = self.modules[k][1]
            k += 1
            try:
                for _, child in m.named_children():
                    known = self.module_ids.get(id(child))
                    if known is None or self.modules[known][1] is not child:
                        self.module_entry(child)
            except Exception:  # noqa: BLE001 — a module whose children cannot be listed keeps its tree as seen
                pass
        # the module tree: parents from named_children, roots named after their variable
        children = {}
        for rec, m in self.modules:
            kids = []
            try:
                for cname, child in m.named_children():
                    cid = self.module_ids.get(id(child))
                    if cid is None or cid == rec["id"]:
                        continue
                    kids.append((cname, cid))
                    if self.modules[cid][0]["parent"] is None:
                        self.modules[cid][0]["parent"] = rec["id"]
            except Exception:
                pass
            children[rec["id"]] = kids
        paths = [""] * len(self.modules)

        def assign(mid, path, seen):
            if mid in seen:
                return
            seen.add(mid)
            paths[mid] = path
            for cname, cid in children.get(mid, []):
                if self.modules[cid][0]["parent"] == mid and paths[cid] == "":
                    # DataParallel / DistributedDataParallel: the wrapped model's names, without "module."
                    wrapper = type(self.modules[mid][1]).__name__ in ("DataParallel", "DistributedDataParallel") and cname == "module"
                    assign(cid, path if wrapper else f"{path}.{cname}", seen)

        for rec, m in self.modules:
            if rec["parent"] is None:
                assign(rec["id"], take(self.root_name(rec)), set())
        for rec, m in self.modules:
            if paths[rec["id"]] == "":
                paths[rec["id"]] = take(f"{rec['className']}#{rec['id']}")
        owner = {}
        for rec, m in self.modules:
            rec["path"] = paths[rec["id"]]
            rec["training"] = bool(getattr(m, "training", True))
            params = list(m._parameters.items()) if hasattr(m, "_parameters") else []
            buffers = [(k, v) for k, v in (m._buffers.items() if hasattr(m, "_buffers") else []) if v is not None]
            rec["parameters"] = [self.tid(p) for _, p in params if p is not None]
            rec["buffers"] = [self.tid(b) for _, b in buffers]
            for k, p in params:
                if p is not None:
                    self.ensure_leaf(p)
                    owner.setdefault(self.tid(p), (rec["id"], k, "parameter"))
            for k, b in buffers:
                i = self.tid(b)
                if i not in self.leaves:
                    self.add_leaf(b, "buffer", rec["site"], "buffer")
                owner.setdefault(i, (rec["id"], k, "buffer"))
        leaves = []
        for i, (rec, ref) in self.leaves.items():
            t = ref() if ref is not None else None
            if t is not None:
                rec["requiresGradAtEnd"] = bool(t.requires_grad)
            own = owner.get(i)
            if own is not None:
                mid, local, kind = own
                rec["kind"] = kind
                rec["module"] = mid
                rec["modulePath"] = paths[mid]
                rec["name"] = take(f"{paths[mid]}.{local}")
            else:
                if rec["kind"] == "buffer":
                    rec["kind"] = "leaf"
                rec["name"] = take(self.sites.variable_at(rec["site"]) or f"{rec['factory']}@{rec['site']['line'] if rec['site'] else '?'}")
            leaves.append(rec)
        for op in self.ops:
            op["modulePath"] = None if op["module"] is None else paths[op["module"]]
        for d in self.detaches:
            d["modulePath"] = None if d["module"] is None else paths[d["module"]]
        for b in self.buffer_updates:
            b["modulePath"] = paths[b["module"]]
        optimizers = []
        for rec, o, _ in self.optimizers:
            rec["name"] = take(self.sites.variable_at(rec["site"]) or f"{rec['className']}#{rec['id']}")
            groups = []
            for g in o.param_groups:
                lr = g.get("lr", 0.0)
                lr = float(lr) if isinstance(lr, (int, float)) or torch.is_tensor(lr) else 0.0
                momentum = g.get("momentum")
                wd = g.get("weight_decay")
                groups.append({
                    "lr": lr if finite_or_none(lr) is not None else 0.0,
                    "momentum": float(momentum) if isinstance(momentum, (int, float)) else None,
                    "weightDecay": float(wd) if isinstance(wd, (int, float)) else None,
                    "params": [self.tid(p) for p in g["params"]],
                })
            rec["groups"] = groups
            optimizers.append(rec)
        return {
            "version": TRACE_VERSION, "file": "", "leaves": leaves, "ops": self.ops,
            "modules": [rec for rec, _ in self.modules], "detaches": self.detaches, "gradModes": self.grad_modes,
            "requiresGradChanges": self.rg_changes, "inplaces": self.inplaces, "backwards": self.backwards,
            "optimizers": optimizers, "steps": self.steps, "zeroGrads": self.zero_grads,
            "bufferUpdates": self.buffer_updates, "stopped": stopped, "error": error, "console": [],
            "limits": {"maxOps": MAX_OPS, "opsDropped": self.ops_dropped, "maxLeaves": MAX_LEAVES, "leavesDropped": self.leaves_dropped},
            "durationMs": duration_ms,
        }


# ---- wiring the tracer into torch --------------------------------------------------------------

def install(tr):
    import functools
    import inspect
    torch = tr.torch
    from torch.overrides import TorchFunctionMode
    nn = torch.nn
    grad_mode_file = os.path.join("torch", "autograd", "grad_mode.py")

    class Mode(TorchFunctionMode):
        def __torch_function__(self, func, types, args=(), kwargs=None):
            if tr.machinery:
                return func(*args, **(kwargs or {}))
            return tr.on_call(func, args, kwargs or {})

    def user_caller(depth):
        """The frame that used a context manager: past torch's grad_mode.py (a decorator's wrapper)."""
        frame = sys._getframe(depth)
        while frame is not None and frame.f_code.co_filename.endswith(grad_mode_file):
            frame = frame.f_back
        return frame is not None and tr.sites.is_user(frame.f_code.co_filename)

    state = {"grad_ctx": 0, "train": 0, "rg": 0, "zero": 0, "step": 0, "scaler": 0, "load": 0}

    def patch_region(cls, enter_kind, exit_kind, condition=lambda self: True):
        enter, exit_ = cls.__enter__, cls.__exit__

        def patched_enter(self):
            record = not tr.machinery and state["grad_ctx"] == 0 and condition(self) and user_caller(2)
            state["grad_ctx"] += 1
            try:
                result = enter(self)
            finally:
                state["grad_ctx"] -= 1
            self._gradlens_recorded = record
            if record:
                tr.grad_mode(enter_kind)
            return result

        def patched_exit(self, *exc):
            state["grad_ctx"] += 1
            try:
                result = exit_(self, *exc)
            finally:
                state["grad_ctx"] -= 1
            if getattr(self, "_gradlens_recorded", False):
                self._gradlens_recorded = False
                tr.grad_mode(exit_kind)
            return result

        cls.__enter__, cls.__exit__ = patched_enter, patched_exit

    patch_region(torch.no_grad, "no-grad-enter", "no-grad-exit")
    patch_region(torch.enable_grad, "enable-grad-enter", "enable-grad-exit")
    if hasattr(torch, "inference_mode"):
        patch_region(torch.inference_mode, "no-grad-enter", "no-grad-exit", lambda self: getattr(self, "mode", True))

    sge = torch.set_grad_enabled
    sge_init, sge_exit = sge.__init__, sge.__exit__

    def sge_patched_init(self, mode):
        record = not tr.machinery and state["grad_ctx"] == 0 and user_caller(2)
        sge_init(self, mode)
        self._gradlens_recorded = record
        if record:
            tr.grad_mode("set-grad-enabled", mode)

    def sge_patched_exit(self, *exc):
        result = sge_exit(self, *exc)
        if getattr(self, "_gradlens_recorded", False):
            self._gradlens_recorded = False
            tr.grad_mode("set-grad-enabled", torch.is_grad_enabled())
        return result

    sge.__init__, sge.__exit__ = sge_patched_init, sge_patched_exit

    # parameters and modules
    param_new = nn.Parameter.__new__

    def patched_param_new(cls, data=None, requires_grad=True):
        p = param_new(cls, data, requires_grad)
        if not tr.machinery:
            tr.on_parameter(p, data)
        return p

    nn.Parameter.__new__ = patched_param_new

    module_init = nn.Module.__init__

    @functools.wraps(module_init)
    def patched_module_init(self, *args, **kwargs):
        module_init(self, *args, **kwargs)
        if not tr.machinery:
            tr.module_entry(self)

    nn.Module.__init__ = patched_module_init

    from torch.nn.modules import module as module_mod

    def pre_hook(m, _inputs):
        if not tr.machinery:
            tr.forward_enter(m)

    def post_hook(m, _inputs, _output):
        if not tr.machinery:
            tr.forward_exit(m)

    module_mod.register_module_forward_pre_hook(pre_hook)
    module_mod.register_module_forward_hook(post_hook)

    module_train = nn.Module.train

    def patched_train(self, mode=True):
        outer = state["train"] == 0 and not tr.machinery
        state["train"] += 1
        try:
            result = module_train(self, mode)
        finally:
            state["train"] -= 1
        if outer:
            tr.module_train(self, mode)
        return result

    nn.Module.train = patched_train

    module_rg = nn.Module.requires_grad_

    def patched_module_rg(self, requires_grad=True):
        if state["rg"] > 0 or tr.machinery:
            return module_rg(self, requires_grad)
        mid = tr.module_entry(self)
        tr.modules[mid][0]["requiresGradCalls"].append({"seq": tr.next_seq(), "flag": bool(requires_grad), "site": tr.sites.capture()})
        state["rg"] += 1
        tr.module_rg = mid
        try:
            return module_rg(self, requires_grad)
        finally:
            state["rg"] -= 1
            tr.module_rg = None

    nn.Module.requires_grad_ = patched_module_rg

    # load_state_dict copies into the parameters inside torch's code, which the mode leaves out: the
    # writes are recorded at the caller's line (the DQN tutorial's soft update of its target net)
    module_load = nn.Module.load_state_dict

    @functools.wraps(module_load)
    def patched_load(self, state_dict, *args, **kwargs):
        if state["load"] > 0 or tr.machinery:
            return module_load(self, state_dict, *args, **kwargs)
        state["load"] += 1
        tr.machinery += 1
        try:
            loaded = tr.parameters_changed_by(self, state_dict)
            result = module_load(self, state_dict, *args, **kwargs)
        finally:
            tr.machinery -= 1
            state["load"] -= 1
        tr.on_load_state_dict(loaded)
        return result

    nn.Module.load_state_dict = patched_load

    # zero_grad: the default of set_to_none is the installed torch's (False in 1.13, True from 2.0)
    def patch_zero(cls):
        original = cls.zero_grad
        default = inspect.signature(original).parameters.get("set_to_none")
        default = default.default if default is not None else False

        def patched_zero(self, set_to_none=default):
            outer = state["zero"] == 0 and not tr.machinery
            state["zero"] += 1
            tr.machinery += 1
            try:
                result = original(self, set_to_none)
            finally:
                tr.machinery -= 1
                state["zero"] -= 1
            if outer:
                tr.zero_grad(self, set_to_none)
            return result

        cls.zero_grad = patched_zero

    patch_zero(nn.Module)
    patch_zero(torch.optim.Optimizer)

    # optimizers: step hooks exist only from torch 2.0, so step is wrapped per optimizer class
    opt_init = torch.optim.Optimizer.__init__

    def with_user_closure(args, kwargs):
        """step(closure) (LBFGS) calls the script's closure from inside the optimizer: its zero_grad(),
        forward and backward() are the script's, traced as the engine's LBFGS traces them."""
        closure = kwargs.get("closure", args[0] if args else None)
        if not callable(closure):
            return args, kwargs, False

        @functools.wraps(closure)
        def user_closure(*a, **k):
            outer = tr.machinery
            tr.machinery = 0
            try:
                return closure(*a, **k)
            finally:
                tr.machinery = outer

        if "closure" in kwargs:
            return args, {**kwargs, "closure": user_closure}, True
        return (user_closure, *args[1:]), kwargs, True

    def wrap_step(cls):
        if cls.__dict__.get("_gradlens_step"):
            return
        original = cls.step

        @functools.wraps(original)
        def patched_step(self, *args, **kwargs):
            if state["step"] > 0 or tr.machinery:
                return original(self, *args, **kwargs)
            state["step"] += 1
            try:
                args, kwargs, has_closure = with_user_closure(args, kwargs)

                def run():
                    tr.machinery += 1
                    try:
                        return original(self, *args, **kwargs)
                    finally:
                        tr.machinery -= 1
                return tr.step(self, run, has_closure)
            finally:
                state["step"] -= 1

        patched_step.hooked = True  # torch 1.13's profiler wrapper must not wrap it again
        cls.step = patched_step
        cls._gradlens_step = True

    @functools.wraps(opt_init)
    def patched_opt_init(self, *args, **kwargs):
        opt_init(self, *args, **kwargs)
        wrap_step(type(self))
        if not tr.machinery:
            tr.optimizer_entry(self)

    torch.optim.Optimizer.__init__ = patched_opt_init

    # mixed precision: GradScaler.step skips the optimizer's step when the gradients overflowed.
    # torch.amp.GradScaler (2.3+) is the class torch.cuda.amp's and torch.cpu.amp's derive from without
    # their own step; before 2.3 only torch.cuda.amp's exists. Each class defining step is wrapped once
    def wrap_scaler_step(cls):
        if cls is None or "step" not in cls.__dict__ or cls.__dict__.get("_gradlens_scaler_step"):
            return
        original = cls.step

        @functools.wraps(original)
        def patched_scaler_step(self, optimizer, *args, **kwargs):
            if state["scaler"] > 0 or tr.machinery:
                return original(self, optimizer, *args, **kwargs)
            state["scaler"] += 1
            try:
                return tr.scaler_step(optimizer, lambda: original(self, optimizer, *args, **kwargs))
            finally:
                state["scaler"] -= 1

        cls.step = patched_scaler_step
        cls._gradlens_scaler_step = True

    for owner in ("amp", "cuda.amp", "cpu.amp"):
        module = torch
        for part in owner.split("."):
            module = getattr(module, part, None)
        wrap_scaler_step(getattr(module, "GradScaler", None))

    backward = torch.autograd.backward

    @functools.wraps(backward)
    def patched_backward(tensors, grad_tensors=None, retain_graph=None, create_graph=False, *rest, **kwargs):
        if tr.machinery:
            return backward(tensors, grad_tensors, retain_graph, create_graph, *rest, **kwargs)
        tr.before_backward()
        roots = [tensors] if torch.is_tensor(tensors) else list(tensors)

        def run():
            tr.machinery += 1
            try:
                return backward(tensors, grad_tensors, retain_graph, create_graph, *rest, **kwargs)
            finally:
                tr.machinery -= 1

        return tr.record_backward(roots, retain_graph, create_graph, run)

    torch.autograd.backward = patched_backward

    hooks = torch.autograd.graph.saved_tensors_hooks(tr.on_pack, lambda t: t)
    return Mode(), hooks


# ---- running the script ------------------------------------------------------------------------

def run_error(kind, message, site, stack=None):
    error = {"kind": kind, "message": message, "file": site["file"], "line": site["line"], "column": site["column"]}
    if stack:
        error["stack"] = stack
    return error


def error_site(exc, sites, fallback):
    """The innermost frame of the traceback in the user's files."""
    best = None
    for entry in traceback.extract_tb(exc.__traceback__):
        if sites.is_user(entry.filename):
            best = entry
    if best is None:
        return fallback
    column = (getattr(best, "colno", None) or 0) + 1
    return {"file": sites.display(best.filename), "line": best.lineno or 1, "column": column}


def is_memory_error(exc):
    return isinstance(exc, MemoryError) or (isinstance(exc, RuntimeError) and ("can't allocate memory" in str(exc) or "DefaultCPUAllocator" in str(exc)))


def limit_address_space(memory_mb):
    """An address-space limit of memory_mb on top of what the interpreter and torch already map."""
    try:
        with open("/proc/self/statm") as f:
            mapped = int(f.read().split()[0]) * resource.getpagesize()
        limit = mapped + memory_mb * 2 ** 20
        _, hard = resource.getrlimit(resource.RLIMIT_AS)
        if hard != resource.RLIM_INFINITY:
            limit = min(limit, hard)
        resource.setrlimit(resource.RLIMIT_AS, (limit, hard))
    except (OSError, ValueError):
        pass  # no /proc (macOS): no limit beyond the runner's timeout


def main(argv):
    out_path, config_path, script, *script_args = argv
    with open(config_path) as f:
        config = json.load(f)
    started = time.perf_counter()
    script_abs = os.path.abspath(script)
    display_root = config.get("displayRoot")
    sites = Sites(config.get("userRoot") or os.path.dirname(script_abs), display_root)
    file_site = {"file": sites.display(script_abs), "line": 1, "column": 1}
    try:
        import torch
    except ImportError as e:
        sys.stderr.write(f"gradlens: no torch in {sys.executable}: {e}\n")
        return 3
    # a torch.distributed script runs as the single process torchrun would start
    for key, value in (("RANK", "0"), ("LOCAL_RANK", "0"), ("WORLD_SIZE", "1"), ("LOCAL_WORLD_SIZE", "1"),
                       ("MASTER_ADDR", "127.0.0.1"), ("MASTER_PORT", "29500")):
        os.environ.setdefault(key, value)
    main_pid = os.getpid()
    timeout_ms = int(config.get("timeoutMs", 10_000))
    optimizer_names = [n for n, c in vars(torch.optim).items()
                       if isinstance(c, type) and issubclass(c, torch.optim.Optimizer) and c is not torch.optim.Optimizer]
    # (file as displayed, line) of every optimizer the script's text makes, also in the user's own
    # modules it imports (a fine-tuning phase in train_utils.py), so the early stop waits for it
    optimizer_lines = []
    try:
        with open(script_abs, encoding="utf-8") as f:
            script_source = f.read()
    except (OSError, UnicodeDecodeError):
        script_source = ""
    for path, text in [(script_abs, script_source)] + [(m, None) for m in user_modules_imported(script_abs, script_source, sites.is_user)]:
        try:
            if text is None:
                with open(path, encoding="utf-8") as f:
                    text = f.read()
        except (OSError, UnicodeDecodeError):
            continue
        optimizer_lines += [(sites.display(path), line) for line in optimizer_construction_lines(text, optimizer_names)]
    rule = StopRule(max(1, int(config.get("steps", 1))), config["messages"]["steps"], time.monotonic() + timeout_ms / 1000 * PHASE_WAIT_SHARE)
    tracer = Tracer(torch, sites, rule, file_site["file"], optimizer_lines)
    # the runner words the limits (src/runner/limits.ts), naming the caller's option or setting
    timeout_message = config["messages"]["timeout"]

    deferred = [0]

    def on_alarm(_signum, frame):
        if os.getpid() != main_pid:
            return
        # Stop is raised where the signal lands: inside torch's or the tracer's own code it can be
        # caught or turned into another error, so wait (up to 1 s) for the script's own line
        in_user_code = frame is not None and sites.is_user(frame.f_code.co_filename) and not tracer.machinery
        if not in_user_code and deferred[0] < 200:
            deferred[0] += 1
            signal.setitimer(signal.ITIMER_REAL, 0.005)
            return
        tracer.halt({"reason": "timeout", "message": timeout_message}, sites.capture())

    # the script's time: `import torch` (seconds on a cold disk) is the interpreter's, not the script's
    signal.signal(signal.SIGALRM, on_alarm)
    signal.setitimer(signal.ITIMER_REAL, timeout_ms / 1000)
    # CUDA reserves tens of GB of address space when it starts: an address-space limit would stop
    # a GPU script from running at all, so on a GPU machine only the timeout bounds the run
    if not torch.cuda.is_available():
        limit_address_space(int(config.get("memoryMb", 1024)))
    mode, hooks = install(tracer)
    sys.argv = [script, *script_args]
    sys.path[0] = os.path.dirname(script_abs)
    stopped = {"reason": "end-of-file", "message": "the file ran to its end"}
    error = None
    try:
        with hooks, mode:
            runpy.run_path(script_abs, run_name="__main__")
    except Stop as s:
        stopped = s.info
        if s.info["reason"] in ("timeout", "memory"):
            error = run_error(s.info["reason"], s.info["message"], {**file_site, **{k: s.info[k] for k in ("file", "line", "column") if k in s.info}})
    except SyntaxError as e:
        site = {"file": sites.display(e.filename) if e.filename else file_site["file"], "line": e.lineno or 1, "column": e.offset or 1}
        error = run_error("syntax", f"SyntaxError: {e.msg}", site)
    except SystemExit as e:
        code = e.code
        if code in (None, 0):
            stopped = {"reason": "end-of-file", "message": f"the file called sys.exit({'' if code is None else code})"}
        else:
            error = run_error("exception", f"the file exited with status {code} (sys.exit)", error_site(e, sites, file_site))
    except BaseException as e:  # noqa: BLE001 — any failure of the script is the report's error
        kind = "memory" if is_memory_error(e) else "exception"
        message = f"{type(e).__name__}: {e}" if kind == "exception" else config["messages"]["memory"]
        stack = "".join(traceback.format_exception(type(e), e, e.__traceback__))
        error = run_error(kind, message, error_site(e, sites, file_site), stack)
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
    if os.getpid() != main_pid:
        return 0
    if error is not None and stopped["reason"] == "end-of-file":
        stopped = {"reason": "memory" if error["kind"] == "memory" else "error", "message": error["message"], "file": error["file"], "line": error["line"], "column": error["column"]}
    tracer.machinery += 1  # finishing reads tensors: none of that is the script's
    trace = tracer.finish(stopped, error, round((time.perf_counter() - started) * 1000))
    trace["file"] = config.get("file") or script
    with open(out_path, "w") as f:
        json.dump(trace, f, allow_nan=False)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
