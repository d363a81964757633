"""torch.cuda.amp.GradScaler on the CPU, for the tests (the CI's torch 1.13 has no CUDA).

torch 1.13 disables a GradScaler without CUDA and has no CPU kernels for its inf/NaN check
(_amp_foreach_non_finite_check_and_unscale_) and scale update (_amp_update_scale_). This subclass
replaces exactly those CUDA-only pieces with CPU equivalents; GradScaler's own step() and unscale_()
stay torch's code, so the decision to skip optimizer.step() is torch's. update() only backs off
(a growth after growth_interval clean steps is beyond a test's few iterations).
The tests import it from outside the checked script's folder: the tracer treats it as a library,
as it does torch's own GradScaler.
"""
import torch
import torch.cuda.amp.grad_scaler as grad_scaler

grad_scaler.amp_definitely_not_available = lambda: False  # let the constructor keep enabled=True


class CPUGradScaler(grad_scaler.GradScaler):
    def scale(self, outputs):
        if self._scale is None:
            self._lazy_init_scale_growth_tracker(outputs.device)
        return outputs * self._scale

    def _unscale_grads_(self, optimizer, inv_scale, found_inf, allow_fp16):
        with torch.no_grad():
            for group in optimizer.param_groups:
                for p in group["params"]:
                    if p.grad is not None:
                        found_inf += (~torch.isfinite(p.grad)).any().float()
                        p.grad.mul_(inv_scale)
        return {found_inf.device: found_inf}

    def update(self, new_scale=None):
        found = sum(float(f.item()) for state in self._per_optimizer_states.values() for f in state["found_inf_per_device"].values())
        if found:
            self._scale.mul_(self._backoff_factor)
        self._per_optimizer_states.clear()
