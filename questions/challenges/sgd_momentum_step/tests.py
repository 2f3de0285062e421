"""Hidden tests for sgd_momentum_step: expected values come from torch.optim.SGD on cloned tensors."""

from __future__ import annotations

import torch

from drillcli.grader.api import Case, Failure, Result, close, seeded


def _sgd(param, grads, buf, lr, momentum):
    """Run torch.optim.SGD for len(grads) steps; return the params after each step and the final buffer."""
    p = torch.nn.Parameter(param.clone())
    opt = torch.optim.SGD([p], lr=lr, momentum=momentum, foreach=False)
    if buf is not None:
        opt.state[p]["momentum_buffer"] = buf.clone()
    params = []
    for g in grads:
        p.grad = g.clone()
        opt.step()
        params.append(p.detach().clone())
    return params, opt.state[p]["momentum_buffer"].clone()


def _grad_unchanged(grad):
    def check(result: Result) -> None:
        after = result.args_after[1] if len(result.args_after) > 1 else result.kwargs_after.get("grad")
        if after is not None and not torch.equal(after, grad):
            raise Failure("`grad` was modified: an optimizer step must leave the gradient as it was")
    return check


def _step(name, seed, shape, lr, momentum, with_buf, dtype=torch.float32, keywords=False) -> Case:
    g = seeded(seed)
    param = torch.randn(*shape, generator=g, dtype=dtype)
    grad = torch.randn(*shape, generator=g, dtype=dtype)
    buf = torch.randn(*shape, generator=g, dtype=dtype) if with_buf else None
    params, new_buf = _sgd(param.double(), [grad.double()], None if buf is None else buf.double(), lr, momentum)
    if keywords:
        args, kwargs = (param, grad, buf), {"lr": lr, "momentum": momentum}
    else:
        args, kwargs = (param, grad, buf, lr, momentum), {}
    return Case(name=name, args=args, kwargs=kwargs, expected=(params[0].to(dtype), new_buf.to(dtype)),
                check=_grad_unchanged(grad.clone()), mutates=True)


def _loop(name, seed, shape, steps, lr, momentum) -> Case:
    g = seeded(seed)
    param = torch.randn(*shape, generator=g)
    grads = [torch.randn(*shape, generator=g) for _ in range(steps)]
    params, buf = _sgd(param.double(), [x.double() for x in grads], None, lr, momentum)
    expected = {"params": [p.float() for p in params], "buf": buf.float()}

    def check(result: Result) -> None:
        out = result.output
        for i, (got, want) in enumerate(zip(out["params"], expected["params"]), start=1):
            close(got, want, what=f"param after step {i}", atol=1e-5, rtol=1e-5)
        close(out["buf"], expected["buf"], what=f"buffer after step {steps}", atol=1e-5, rtol=1e-5)

    return Case(name=name, args=(param, grads, lr, momentum), driver="loop", check=check, mutates=True,
                description="several steps; the grad tensor is zeroed and refilled between steps")


def cases(device: str) -> list[Case]:
    return [
        _step("first_step_buf_none", 1, (5,), 0.1, 0.9, with_buf=False),
        _step("step_with_existing_buffer", 2, (4, 3), 0.1, 0.9, with_buf=True),
        _step("momentum_0_5_lr_0_01", 3, (6,), 0.01, 0.5, with_buf=True),
        _step("momentum_0_99", 4, (3, 3), 0.05, 0.99, with_buf=True),
        _step("keyword_lr_momentum", 5, (2, 4), 0.2, 0.8, with_buf=True, keywords=True),
        _step("first_step_matrix_keywords", 6, (3, 2), 0.3, 0.9, with_buf=False, keywords=True),
        _step("float64_keeps_dtype", 7, (4,), 0.1, 0.9, with_buf=True, dtype=torch.float64),
        _step("float64_first_step", 8, (2, 2, 2), 0.1, 0.7, with_buf=False, dtype=torch.float64),
        _loop("five_step_loop_reused_grad", 9, (6,), 5, 0.1, 0.9),
    ]
