"""Hidden tests for `LoRALinear`: construction (shapes, inits, frozen base, scaling, output equal to
base at start), forward and gradients with loaded non-zero adapters, and merged() (same output, base
untouched, no shared storage). Expected values from a float64 reference."""

from __future__ import annotations

import torch

from drillcli.grader.api import Case, Failure, Result, close, module_case, seeded

TOL = {"atol": 1e-5, "rtol": 1e-4}


def _lora(scaling: float):
    def forward(s: dict[str, torch.Tensor], x: torch.Tensor) -> torch.Tensor:
        out = x @ s["base.weight"].T + (x @ s["lora_A"].T @ s["lora_B"].T) * scaling
        return out + s["base.bias"] if "base.bias" in s else out

    return forward


def _state(seed: int, n_in: int, n_out: int, r: int, bias: bool, dtype: torch.dtype) -> dict[str, torch.Tensor]:
    g = seeded(seed)
    state = {"base.weight": torch.randn(n_out, n_in, generator=g, dtype=torch.float64) / n_in ** 0.5}
    if bias:
        state["base.bias"] = torch.randn(n_out, generator=g, dtype=torch.float64) * 0.3
    state["lora_A"] = torch.randn(r, n_in, generator=g, dtype=torch.float64) / n_in ** 0.5
    state["lora_B"] = torch.randn(n_out, r, generator=g, dtype=torch.float64) * 0.2
    return {k: v.to(dtype) for k, v in state.items()}


def _x(seed: int, lead: tuple[int, ...], n_in: int, dtype: torch.dtype = torch.float32) -> torch.Tensor:
    return torch.randn(*lead, n_in, generator=seeded(seed + 77), dtype=torch.float64).to(dtype)


def _fresh(name: str, seed: int, n_in: int, n_out: int, r: int, alpha: float, *, bias: bool = True,
           dtype: torch.dtype | None = None) -> Case:
    x = _x(seed, (5,), n_in)

    def check(result: Result) -> None:
        rep = result.output
        if rep.get("problem"):
            raise Failure(rep["problem"])
        if not rep["base_kept"]:
            raise Failure("the wrapped layer must be kept as the attribute `base` (the same object)")
        if not rep["base_unchanged"]:
            raise Failure("constructing LoRALinear changed base's weights")
        for key, shape in (("lora_A", [r, n_in]), ("lora_B", [n_out, r])):
            if rep[key] is None or not rep[f"{key[-1]}_is_parameter"]:
                raise Failure(f"`{key}` must be an nn.Parameter")
            if list(rep[key].shape) != shape:
                raise Failure(f"`{key}` has shape {list(rep[key].shape)}, expected {shape}")
            want = dtype or torch.float32
            if rep[key].dtype != want:
                raise Failure(f"`{key}` is {rep[key].dtype}; it must take base.weight's dtype ({want})")
        if bool((rep["lora_B"] != 0).any()):
            raise Failure("`lora_B` must start at zeros (so the module starts equal to base)")
        a = rep["lora_A"].double()
        if a.numel() > 1 and (a.std().item() == 0 or bool((a == 0).all())):
            raise Failure("`lora_A` must start random (non-zero, not constant), or B never gets a gradient")
        trainable = sorted(k for k, v in rep["requires_grad"].items() if v)
        if trainable != ["lora_A", "lora_B"]:
            raise Failure(f"parameters requiring grad: {trainable}; only lora_A and lora_B may (freeze base)")
        if rep["scaling"] is None or abs(rep["scaling"] - alpha / r) > 1e-12 * max(1.0, alpha / r):
            raise Failure(f"`scaling` is {rep['scaling']}; expected alpha / r = {alpha / r}")
        close(rep["output"], rep["expected"], what="output right after construction (must equal base(x))",
              **TOL)

    kwargs = {} if dtype is None else {"dtype": str(dtype).removeprefix("torch.")}
    return Case(name, args=(n_in, n_out, bias, r, alpha, x), kwargs=kwargs, driver="fresh", check=check,
                description=f"LoRALinear(nn.Linear({n_in}, {n_out}, bias={bias}), r={r}, alpha={alpha})")


def _forward(name: str, seed: int, n_in: int, n_out: int, r: int, alpha: float, lead: tuple[int, ...], *,
             bias: bool = True, dtype: torch.dtype = torch.float32, grads: bool = False) -> Case:
    state = _state(seed, n_in, n_out, r, bias, dtype)
    tol = TOL if dtype == torch.float32 else {}
    return module_case(name, (n_in, n_out, bias, r, alpha), state, (_x(seed, lead, n_in, dtype),),
                       _lora(alpha / r), grads=grads, trainable=["lora_A", "lora_B"], seed=seed,
                       driver="lora_module", cuda_tol=1e-3, **tol,
                       description=f"in={n_in}, out={n_out}, r={r}, alpha={alpha}, bias={bias}, x {lead}")


def _merge(name: str, seed: int, n_in: int, n_out: int, r: int, alpha: float, *, bias: bool = True,
           dtype: torch.dtype = torch.float32) -> Case:
    state = _state(seed, n_in, n_out, r, bias, dtype)
    x = _x(seed, (6,), n_in, dtype)
    expected = _lora(alpha / r)({k: v.double() for k, v in state.items()}, x.double()).to(dtype)
    tol = TOL if dtype == torch.float32 else {}

    def check(result: Result) -> None:
        rep = result.output
        if rep.get("problem"):
            raise Failure(rep["problem"])
        if not rep["base_unchanged"]:
            raise Failure("merged() changed base's weights; it must build a new layer and leave base alone")
        if rep["shared"]:
            raise Failure(f"the merged layer shares storage with base ({', '.join(rep['shared'])}); copy "
                          "the tensors instead")
        close(rep["merged_output"], expected, what="merged layer's output", **tol)
        close(rep["module_output"], expected, what="LoRALinear's output after merged()", **tol)

    payload = {"init_args": (n_in, n_out, bias, r, alpha), "state": state}
    return Case(name, args=(payload, x), driver="merge", check=check, cuda_tol=1e-3,
                description=f"merged() of in={n_in}, out={n_out}, r={r}, alpha={alpha}, bias={bias}")


def cases(device: str) -> list[Case]:
    return [
        _fresh("construction_r4_alpha8", 1, 16, 12, 4, 8.0),
        _fresh("construction_no_bias_r1", 2, 10, 6, 1, 2.0, bias=False),
        _fresh("construction_float64_base", 3, 8, 8, 2, 16.0, dtype=torch.float64),
        _forward("forward_loaded_adapters", 4, 16, 12, 4, 8.0, (7,)),
        _forward("forward_scaling_alpha_16_r_8", 5, 24, 10, 8, 16.0, (2, 5)),
        _forward("forward_no_bias", 6, 12, 12, 2, 4.0, (5,), bias=False),
        _forward("forward_float64", 7, 8, 6, 2, 3.0, (4,), dtype=torch.float64),
        _forward("gradients_reach_only_the_adapters", 8, 10, 8, 3, 6.0, (6,), dtype=torch.float64,
                 grads=True),
        _merge("merged_matches_and_leaves_base_alone", 9, 16, 12, 4, 8.0),
        _merge("merged_without_bias", 10, 10, 6, 2, 4.0, bias=False),
        _merge("merged_float64", 11, 8, 8, 2, 16.0, dtype=torch.float64),
    ]
