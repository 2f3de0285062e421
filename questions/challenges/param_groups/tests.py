"""Hidden tests for param_groups: the expected split is computed here from the same model specs."""

from __future__ import annotations

import importlib.util
from pathlib import Path

from drillcli.grader.api import Case, Failure, Result

KEYS = ["params", "weight_decay"]


def _build(spec):
    path = Path(__file__).with_name("driver.py")
    module_spec = importlib.util.spec_from_file_location("_param_groups_models", path)
    module = importlib.util.module_from_spec(module_spec)
    module_spec.loader.exec_module(module)
    return module.build(spec)


def _truth(spec: str) -> tuple[list[str], list[str]]:
    decay, no_decay = [], []
    for name, p in _build(spec).named_parameters():  # a shared parameter appears once
        if p.requires_grad:
            (decay if p.dim() >= 2 else no_decay).append(name)
    return decay, no_decay


def _check_group(index: int, group: dict, want_names: list[str], want_wd: float) -> None:
    label = f"group {index} ({'decay' if index == 0 else 'no_decay'})"
    if group["type"] != "dict":
        raise Failure(f"{label}: expected a dict, got {group['type']}")
    if group["keys"] != KEYS:
        raise Failure(f"{label}: expected exactly the keys {KEYS}, got {group['keys']}")
    wd = group["weight_decay"]
    if isinstance(wd, (str, bool)) or abs(wd - want_wd) > 1e-12:
        raise Failure(f"{label}: weight_decay should be {want_wd}, got {wd}")
    params = group["params"]
    if params["type"] != "list":
        raise Failure(f"{label}: \"params\" should be a list of Parameters, got {params['type']}")
    got = params["names"]
    if got == want_names:
        return
    strangers = [n for n in got if n.startswith("<")]
    if strangers:
        raise Failure(f"{label}: holds {strangers[0]}; use the model's own Parameter objects")
    if sorted(got) == sorted(want_names):
        raise Failure(f"{label}: the right parameters in the wrong order; follow model.parameters(): "
                      f"expected {want_names}, got {got}")
    missing = [n for n in want_names if n not in got]
    extra = [n for n in got if n not in want_names]
    twice = sorted({n for n in got if got.count(n) > 1})
    parts = []
    if missing:
        parts.append(f"missing {missing}")
    if extra:
        parts.append(f"should not hold {extra}")
    if twice:
        parts.append(f"holds {twice} more than once")
    raise Failure(f"{label}: " + "; ".join(parts))


def _case(name: str, spec: str, weight_decay: float, *, keyword: bool = False, description: str = "") -> Case:
    decay, no_decay = _truth(spec)

    def check(result: Result) -> None:
        out = result.output
        if not isinstance(out, dict) or out.get("type") != "list":
            got = out.get("type") if isinstance(out, dict) else type(out).__name__
            raise Failure(f"expected a list of two dicts, got {got}")
        groups = out["groups"]
        if len(groups) != 2:
            raise Failure(f"expected exactly two groups (decay, then no_decay), got {len(groups)}")
        _check_group(0, groups[0], decay, weight_decay)
        _check_group(1, groups[1], no_decay, 0.0)

    args, kwargs = ((spec,), {"weight_decay": weight_decay}) if keyword else ((spec, weight_decay), {})
    return Case(name=name, args=args, kwargs=kwargs, driver="describe",
                check=check, description=description or f"model {spec!r}, weight_decay={weight_decay}")


def cases(device: str) -> list[Case]:
    return [
        _case("mlp_with_layernorm", "mlp_layernorm", 0.1, description="the prompt's worked example"),
        _case("convnet_batchnorm", "convnet_batchnorm", 0.05, keyword=True,
              description="4-D conv weights decay; BatchNorm weights and biases do not"),
        _case("transformer_embedding_and_scalar", "tiny_transformer", 0.1,
              description="Embedding and a 3-D positional table decay; LayerNorms and a 0-dim scale do not"),
        _case("embedding_table_decays", "embedding_bag", 0.1,
              description="an nn.Embedding weight has 2 dims, so it decays"),
        _case("tied_weight_listed_once", "tiny_transformer", 0.02, keyword=True,
              description="the embedding shared with the output layer appears once"),
        _case("registration_order_kept", "registration_order", 0.3,
              description="both lists follow model.parameters(), not names"),
        _case("frozen_in_neither_group", "frozen_backbone", 0.1,
              description="frozen parameters are in neither group"),
        _case("reused_layer_once", "reused_layer", 0.01, description="a layer used three times appears once"),
        _case("all_frozen_empty_groups", "all_frozen", 0.1, description="both groups empty"),
        _case("no_parameters_empty_groups", "no_parameters", 0.1, keyword=True, description="both groups empty"),
    ]
