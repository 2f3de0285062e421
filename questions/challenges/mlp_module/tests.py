"""Hidden tests for mlp_module (driver.py builds the module in the submission's process)."""

from __future__ import annotations

import torch

from drillcli.grader.api import Case, Failure, Result, module_case, seeded


def _weights(seed, n_in, hidden, n_out, dtype=torch.float32):
    g = seeded(seed)
    w1 = torch.randn(hidden, n_in, generator=g, dtype=torch.float64) / n_in**0.5
    b1 = torch.randn(hidden, generator=g, dtype=torch.float64) * 0.5
    w2 = torch.randn(n_out, hidden, generator=g, dtype=torch.float64) / hidden**0.5
    b2 = torch.randn(n_out, generator=g, dtype=torch.float64) * 0.5
    return w1, b1, w2, b2


def _reference(x, w1, b1, w2, b2):
    return torch.relu(x @ w1.T + b1) @ w2.T + b2


def _structure_check(n_in, hidden, n_out):
    def check(result: Result) -> None:
        info = result.output
        if not info["is_module"]:
            raise Failure("MLP(...) is not an nn.Module")
        want = {"fc1": [hidden, n_in], "fc2": [n_out, hidden]}
        for name, shape in want.items():
            layer = info[name]
            if not layer["present"]:
                raise Failure(f"the module has no attribute `{name}`")
            if not layer["is_linear"]:
                raise Failure(f"`{name}` should be an nn.Linear, got {layer['type']}")
            if layer["weight_shape"] != shape:
                raise Failure(f"`{name}.weight` should have shape {shape}, got {layer['weight_shape']}")
            if not layer["has_bias"]:
                raise Failure(f"`{name}` should have a bias")
        expected_params = sorted([[hidden, n_in], [hidden], [n_out, hidden], [n_out]])
        if info["param_shapes"] != expected_params:
            raise Failure(f"parameter shapes {info['param_shapes']}: expected exactly those of fc1 and fc2 "
                          f"{expected_params}")
    return check


def _state(w1, b1, w2, b2):
    return {"fc1.weight": w1, "fc1.bias": b1, "fc2.weight": w2, "fc2.bias": b2}


def _reference_forward(state, x):
    return _reference(x, state["fc1.weight"], state["fc1.bias"], state["fc2.weight"], state["fc2.bias"])


def _forward_case(name, seed, lead, n_in, hidden, n_out, dtype=torch.float32):
    w1, b1, w2, b2 = (t.to(dtype) for t in _weights(seed, n_in, hidden, n_out))
    x = torch.randn(*lead, n_in, generator=seeded(seed + 100), dtype=torch.float64).to(dtype)
    return module_case(name, (n_in, hidden, n_out), _state(w1, b1, w2, b2), (x,), _reference_forward,
                       cuda_tol=1e-3)


def _grad_case(name, seed, n, n_in, hidden, n_out):
    w1, b1, w2, b2 = (t.float() for t in _weights(seed, n_in, hidden, n_out))
    x = torch.randn(n, n_in, generator=seeded(seed + 200), dtype=torch.float64).float()
    return module_case(name, (n_in, hidden, n_out), _state(w1, b1, w2, b2), (x,), _reference_forward,
                       grads=True, seed=seed, atol=1e-5, rtol=1e-4, cuda_tol=1e-3)


def cases(device: str) -> list[Case]:
    return [
        Case(name="layers_fc1_fc2_are_linear", args=(4, 16, 3), driver="structure",
             check=_structure_check(4, 16, 3)),
        Case(name="layer_shapes_other_sizes", args=(10, 7, 2), driver="structure",
             check=_structure_check(10, 7, 2)),
        _forward_case("forward_batch", 1, (8,), 4, 16, 3),
        _forward_case("forward_relu_clips_negatives", 2, (32,), 6, 12, 5),
        _forward_case("forward_single_output", 3, (5,), 3, 8, 1),
        _forward_case("forward_3d_input", 4, (2, 6), 5, 9, 4),
        _forward_case("forward_float64", 5, (7,), 4, 10, 3, dtype=torch.float64),
        _grad_case("backward_reaches_both_layers", 6, 10, 5, 8, 3),
    ]
