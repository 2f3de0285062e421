"""Runs in the submission's process: wraps a fresh nn.Linear, reports what the tests need."""

import torch
from torch import nn

from drillcli.grader.api import drive_module
from drillcli.grader.sandbox import trusted


def _build(entry, in_features, out_features, bias, r, alpha):
    with trusted():
        base = nn.Linear(in_features, out_features, bias=bias)
    return entry(base, r, alpha)


def lora_module(entry, payload):
    """module_case: load the tests' state by name, forward (and gradients)."""
    return drive_module(entry, payload, build=_build)


def _tensor(value):
    return value.detach().clone() if isinstance(value, torch.Tensor) else None


def fresh(entry, in_features, out_features, bias, r, alpha, x, dtype="float32"):
    """Right after construction: parameters, flags, scaling, the output next to base's."""
    with trusted():
        base = nn.Linear(in_features, out_features, bias=bias, dtype=getattr(torch, dtype), device=x.device)
        before = {k: v.detach().clone() for k, v in base.state_dict().items()}
    module = entry(base, r, alpha)
    with trusted():
        if not isinstance(module, nn.Module):
            return {"problem": f"LoRALinear(...) is a {type(module).__name__}, not an nn.Module"}
        scaling = getattr(module, "scaling", None)
        report = {
            "base_kept": getattr(module, "base", None) is base,
            "base_unchanged": all(torch.equal(before[k], v) for k, v in base.state_dict().items()),
            "requires_grad": {k: bool(p.requires_grad) for k, p in module.named_parameters()},
            "scaling": float(scaling) if isinstance(scaling, (int, float, torch.Tensor)) else None,
            "lora_A": _tensor(getattr(module, "lora_A", None)),
            "lora_B": _tensor(getattr(module, "lora_B", None)),
            "A_is_parameter": isinstance(getattr(module, "lora_A", None), nn.Parameter),
            "B_is_parameter": isinstance(getattr(module, "lora_B", None), nn.Parameter),
            "expected": base(x.to(base.weight.dtype)).detach(),
        }
    with torch.no_grad():
        report["output"] = module(x.to(base.weight.dtype))
    return report


def merge(entry, payload, x):
    """Load the tests' state, merge, compare: the merged layer, the module after, base after."""
    module = _build(entry, *payload["init_args"])
    with trusted():
        keys = sorted(module.state_dict())
        if keys != sorted(payload["state"]):
            return {"problem": f"state_dict names {keys}; expected exactly {sorted(payload['state'])}"}
        weight = payload["state"]["base.weight"]
        module.to(device=weight.device, dtype=weight.dtype)
        module.load_state_dict(payload["state"], strict=True)
        base = module.base
        before = {k: v.detach().clone() for k, v in base.state_dict().items()}
    merged = module.merged()
    with trusted():
        if not isinstance(merged, nn.Linear):
            return {"problem": f"merged() returned a {type(merged).__name__}, not an nn.Linear"}
        base_ptrs = {t.untyped_storage().data_ptr() for t in base.state_dict().values()}
        shared = [k for k, t in merged.state_dict().items() if t.untyped_storage().data_ptr() in base_ptrs]
        with torch.no_grad():
            merged_out = merged(x)
            module_out = module(x)
        return {
            "merged_output": merged_out, "module_output": module_out, "shared": shared,
            "base_unchanged": all(torch.equal(before[k], v) for k, v in base.state_dict().items()),
        }
