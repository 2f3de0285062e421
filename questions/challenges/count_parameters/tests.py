"""Hidden tests for count_parameters: exact counts, computed here from the same model specs."""

from __future__ import annotations

import importlib.util
from pathlib import Path

from drillcli.grader.api import Case, Failure, Result


def _build(spec):
    path = Path(__file__).with_name("driver.py")
    module_spec = importlib.util.spec_from_file_location("_count_parameters_models", path)
    module = importlib.util.module_from_spec(module_spec)
    module_spec.loader.exec_module(module)
    return module.build(spec)


def _truth(spec: str, trainable_only: bool) -> int:
    model = _build(spec)
    seen: set[int] = set()
    total = 0
    for _, p in model.named_parameters():  # named_parameters() yields a shared tensor once
        if id(p) in seen or (trainable_only and not p.requires_grad):
            continue
        seen.add(id(p))
        total += p.numel()
    return total


def _case(name: str, spec: str, trainable_only: bool | None) -> Case:
    want = _truth(spec, True if trainable_only is None else trainable_only)

    def check(result: Result) -> None:
        got = result.output
        if isinstance(got, bool) or not isinstance(got, (int, float)):
            raise Failure(f"expected an int, got {type(got).__name__}")
        if got != want:
            raise Failure(f"expected {want} parameters, got {got}")

    kwargs = {} if trainable_only is None else {"trainable_only": trainable_only}
    how = "default" if trainable_only is None else f"trainable_only={trainable_only}"
    return Case(name=name, args=(spec,), kwargs=kwargs, driver="count", check=check,
                description=f"model {spec!r}, {how}")


def cases(device: str) -> list[Case]:
    return [
        _case("mlp_default", "mlp", None),
        _case("cnn_batchnorm_buffers_excluded", "cnn_batchnorm", None),
        _case("tied_embedding_counted_once", "tied_embedding", None),
        _case("tied_embedding_frozen_trainable", "tied_embedding_frozen", True),
        _case("tied_embedding_frozen_all", "tied_embedding_frozen", False),
        _case("reused_layer_counted_once", "reused_layer", None),
        _case("frozen_backbone_trainable_only", "frozen_backbone", None),
        _case("frozen_backbone_all", "frozen_backbone", False),
        _case("moduledict_heads_and_buffers", "heads_buffers", True),
        _case("lstm_bidirectional_2_layers", "lstm_bidirectional", False),
        _case("no_parameters_is_zero", "no_parameters", None),
        _case("all_frozen_is_zero", "all_frozen", True),
    ]
