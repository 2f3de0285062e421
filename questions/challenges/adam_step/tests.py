"""Hidden tests for adam_step: expected values come from torch.optim.Adam (float64) on cloned tensors."""

from __future__ import annotations

import torch

from drillcli.grader.api import Case, Failure, Result, close, seeded


def _adam(param, grads, m, v, first_step, lr, betas, eps):
    """torch.optim.Adam from state (m, v, step first_step - 1) for len(grads) steps."""
    p = torch.nn.Parameter(param.clone())
    opt = torch.optim.Adam([p], lr=lr, betas=betas, eps=eps, foreach=False)
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


def _grad_unchanged(grad):
    def check(result: Result) -> None:
        after = result.args_after[1] if len(result.args_after) > 1 else result.kwargs_after.get("grad")
        if after is not None and not torch.equal(after, grad):
            raise Failure("`grad` was modified: an optimizer step must leave the gradient as it was")
    return check


def _step(name, seed, shape, step, *, lr=None, betas=None, eps=None, fresh=False, grad_scale=1.0,
          dtype=torch.float32, positional=False, atol=None, rtol=None) -> Case:
    g = seeded(seed)
    param = torch.randn(*shape, generator=g, dtype=dtype)
    grad = (torch.randn(*shape, generator=g, dtype=torch.float64) * grad_scale).to(dtype)
    if fresh:
        m = torch.zeros(*shape, dtype=dtype)
        v = torch.zeros(*shape, dtype=dtype)
    else:
        m = (torch.randn(*shape, generator=g, dtype=torch.float64) * 0.1 * grad_scale).to(dtype)
        v = (torch.rand(*shape, generator=g, dtype=torch.float64) * 0.05 * grad_scale**2).to(dtype)
    hyper = {"lr": 1e-3 if lr is None else lr, "betas": (0.9, 0.999) if betas is None else betas,
             "eps": 1e-8 if eps is None else eps}
    params, new_m, new_v = _adam(param.double(), [grad.double()], m.double(), v.double(), step, **hyper)
    if positional:
        args, kwargs = (param, grad, m, v, step, hyper["lr"], hyper["betas"], hyper["eps"]), {}
    else:
        args = (param, grad, m, v, step)
        kwargs = {k: val for k, val in (("lr", lr), ("betas", betas), ("eps", eps)) if val is not None}
    expected = (params[0].to(dtype), new_m.to(dtype), new_v.to(dtype))
    return Case(name=name, args=args, kwargs=kwargs, expected=expected, check=_grad_unchanged(grad.clone()),
                mutates=True, atol=atol, rtol=rtol)


def _loop(name, seed, shape, steps, lr, betas, eps) -> Case:
    g = seeded(seed)
    param = torch.randn(*shape, generator=g)
    grads = [torch.randn(*shape, generator=g) for _ in range(steps)]
    zeros = torch.zeros(*shape, dtype=torch.float64)
    params, m, v = _adam(param.double(), [x.double() for x in grads], zeros, zeros, 1, lr, betas, eps)

    def check(result: Result) -> None:
        out = result.output
        for i, (got, want) in enumerate(zip(out["params"], params), start=1):
            close(got, want.float(), what=f"param after step {i}", atol=1e-5, rtol=1e-5)
        close(out["m"], m.float(), what=f"m after step {steps}", atol=1e-6, rtol=1e-5)
        close(out["v"], v.float(), what=f"v after step {steps}", atol=1e-7, rtol=1e-5)

    return Case(name=name, args=(param, grads, lr, betas, eps), driver="loop", check=check, mutates=True,
                description="five steps from zero moments, feeding back the returned m and v")


def cases(device: str) -> list[Case]:
    return [
        _step("first_step_zero_moments", 1, (6,), 1, fresh=True),
        _step("step_5_with_moments", 2, (4, 3), 5, lr=0.01),
        _step("step_1000_late_training", 3, (5,), 1000, lr=0.01),
        _step("custom_betas_keywords", 4, (3, 4), 3, lr=0.05, betas=(0.5, 0.9)),
        _step("all_hyperparameters_positional", 5, (7,), 2, lr=0.02, betas=(0.8, 0.99), eps=1e-6,
              positional=True),
        # |g| ~ 1e-5, so sqrt(v_hat) ~ 1e-5: whether eps sits inside or outside the sqrt changes the step
        _step("tiny_grads_eps_placement", 6, (8,), 1, lr=0.1, fresh=True, grad_scale=1e-5,
              atol=1e-9, rtol=1e-4),
        _step("large_eps_keyword", 7, (5,), 4, lr=0.1, eps=0.1),
        _step("float64_keeps_dtype", 8, (3, 3), 7, lr=0.01, dtype=torch.float64),
        _loop("five_step_loop", 9, (6,), 5, 0.05, (0.9, 0.999), 1e-8),
    ]
