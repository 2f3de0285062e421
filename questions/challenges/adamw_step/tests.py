"""Hidden tests for adamw_step: expected values come from torch.optim.AdamW (float64) on cloned tensors."""

from __future__ import annotations

import torch

from drillcli.grader.api import Case, Failure, Result, close, seeded, tensor_case

DEFAULTS = {"lr": 1e-3, "betas": (0.9, 0.999), "eps": 1e-8, "weight_decay": 1e-2}
ORDER = ("lr", "betas", "eps", "weight_decay")


def _adamw(param, grads, m, v, first_step, hyper):
    """torch.optim.AdamW from state (m, v, step first_step - 1) for len(grads) steps."""
    p = torch.nn.Parameter(param.clone())
    opt = torch.optim.AdamW([p], foreach=False, **hyper)
    opt.state[p] = {
        "step": torch.tensor(float(first_step - 1)),
        "exp_avg": m.clone(),
        "exp_avg_sq": v.clone(),
    }
    params = []
    for g in grads:
        p.grad = g.clone()
        opt.step()
        params.append(p.detach().clone())
    state = opt.state[p]
    assert int(state["step"].item()) == first_step - 1 + len(grads)
    return params, state["exp_avg"].clone(), state["exp_avg_sq"].clone()


def _reference(param, grad, m, v, step, lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=1e-2):
    params, new_m, new_v = _adamw(param, [grad], m, v, step,
                                  {"lr": lr, "betas": betas, "eps": eps, "weight_decay": weight_decay})
    return params[0], new_m, new_v


def _grad_unchanged(grad):
    def check(result: Result) -> None:
        after = result.args_after[1] if len(result.args_after) > 1 else result.kwargs_after.get("grad")
        if after is not None and not torch.equal(after, grad):
            raise Failure("`grad` was modified: an optimizer step must leave the gradient as it was")
    return check


def _step(name, seed, shape, step, *, fresh=False, grad_scale=1.0, param_scale=1.0, dtype=torch.float32,
          positional=False, atol=None, rtol=None, description="", **given) -> Case:
    """`given`: the hyperparameters passed (by keyword, or all by position); the rest keep their defaults."""
    g = seeded(seed)
    param = (torch.randn(*shape, generator=g, dtype=torch.float64) * param_scale).to(dtype)
    grad = (torch.randn(*shape, generator=g, dtype=torch.float64) * grad_scale).to(dtype)
    if fresh:
        m = torch.zeros(*shape, dtype=dtype)
        v = torch.zeros(*shape, dtype=dtype)
    else:
        m = (torch.randn(*shape, generator=g, dtype=torch.float64) * 0.1 * grad_scale).to(dtype)
        v = (torch.rand(*shape, generator=g, dtype=torch.float64) * 0.05 * grad_scale**2).to(dtype)
    if positional:
        hyper = {**DEFAULTS, **given}
        args, kwargs = (param, grad, m, v, step, *(hyper[k] for k in ORDER)), {}
    else:
        args, kwargs = (param, grad, m, v, step), dict(given)
    return tensor_case(name, _reference, args, kwargs, check=_grad_unchanged(grad.clone()), mutates=True,
                       atol=atol, rtol=rtol, description=description or f"{list(shape)}, step {step}, {given}")


def _loop(name, seed, shape, steps, **given) -> Case:
    g = seeded(seed)
    param = torch.randn(*shape, generator=g)
    grads = [torch.randn(*shape, generator=g) for _ in range(steps)]
    hyper = {**DEFAULTS, **given}
    zeros = torch.zeros(*shape, dtype=torch.float64)
    params, m, v = _adamw(param.double(), [x.double() for x in grads], zeros, zeros, 1, hyper)

    def check(result: Result) -> None:
        out = result.output
        for i, (got, want) in enumerate(zip(out["params"], params), start=1):
            close(got, want.float(), what=f"param after step {i}", atol=1e-5, rtol=1e-5)
        close(out["m"], m.float(), what=f"m after step {steps}", atol=1e-6, rtol=1e-5)
        close(out["v"], v.float(), what=f"v after step {steps}", atol=1e-7, rtol=1e-5)

    return Case(name=name, args=(param, grads, *(hyper[k] for k in ORDER)), driver="loop", check=check,
                mutates=True, description=f"{steps} steps from zero moments, feeding back the returned m and v")


def _worked_example() -> Case:
    """The prompt's example: decay to 0.95, then an Adam step of 0.1: param 0.85, m 0.05, v 0.00025."""
    one = torch.tensor([1.0])
    grad = torch.tensor([0.5])
    return tensor_case("worked_example", _reference, (one, grad, torch.zeros(1), torch.zeros(1), 1),
                       {"lr": 0.1, "weight_decay": 0.5}, check=_grad_unchanged(grad.clone()), mutates=True,
                       description="param [1.0], grad [0.5], step 1, lr 0.1, weight_decay 0.5 -> 0.85")


def cases(device: str) -> list[Case]:
    return [
        _worked_example(),
        _step("first_step_all_defaults", 1, (6,), 1, fresh=True,
              description="step 1, zero moments, default lr, betas, eps and weight_decay"),
        _step("one_element_strong_decay", 2, (1,), 1, fresh=True, lr=0.1, weight_decay=0.5),
        # |param| ~ 5 with lr·wd = 0.05: decay before vs after the Adam update, and (1 − wd) vs
        # (1 − lr·wd), differ by 1e-3 or more.
        _step("large_params_strong_decay", 3, (4, 3), 5, param_scale=5.0, lr=0.1, weight_decay=0.5,
              description="decay computed from the parameter before this step"),
        _step("step_1000_late_training", 4, (5,), 1000, lr=0.01, weight_decay=0.1),
        _step("weight_decay_0_is_adam", 5, (3, 4), 3, lr=0.05, weight_decay=0.0),
        _step("custom_betas_keywords", 6, (3, 4), 3, lr=0.05, betas=(0.5, 0.9), weight_decay=0.05),
        _step("all_hyperparameters_positional", 7, (7,), 2, positional=True, lr=0.02, betas=(0.8, 0.99),
              eps=1e-6, weight_decay=0.2),
        # |g| ~ 1e-5, so sqrt(v_hat) ~ 1e-5: whether eps sits inside or outside the sqrt changes the step.
        _step("tiny_grads_eps_placement", 8, (8,), 1, fresh=True, grad_scale=1e-5, atol=1e-9, rtol=1e-4,
              lr=0.1, weight_decay=0.01),
        # Small gradients next to large weights: L2 through m and v changes the step completely.
        _step("decay_not_through_moments", 9, (6,), 4, grad_scale=1e-2, param_scale=3.0, lr=0.01,
              weight_decay=0.1, description="the decay must not enter m and v"),
        _step("float64_keeps_dtype", 10, (3, 3), 7, dtype=torch.float64, lr=0.01, weight_decay=0.1),
        _loop("five_step_loop", 11, (6,), 5, lr=0.05, weight_decay=0.1),
    ]
