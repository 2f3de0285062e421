"""Hidden tests for batch_norm: expected output and running statistics from F.batch_norm in float64,
run on copies of the inputs."""

import torch
import torch.nn.functional as F

from drillcli.grader.api import Case, Failure, Result, close, seeded


def _inputs(seed, shape):
    g = seeded(seed)
    c = shape[1]
    x = torch.randn(*shape, generator=g, dtype=torch.float64) * 1.5 + 0.7
    running_mean = torch.randn(c, generator=g, dtype=torch.float64) * 0.5
    running_var = torch.rand(c, generator=g, dtype=torch.float64) + 0.5
    weight = 1 + 0.5 * torch.randn(c, generator=g, dtype=torch.float64)
    bias = torch.randn(c, generator=g, dtype=torch.float64)
    return x, running_mean, running_var, weight, bias


def _check_state(x, weight, bias, rm_expected, rv_expected) -> "callable":
    def check(result: Result) -> None:
        after = result.args_after
        if len(after) < 5:
            raise Failure("the test could not read back the arguments after the call")
        for i, (label, original) in enumerate((("x", x), ("weight", weight), ("bias", bias))):
            got = after[(0, 3, 4)[i]]
            if not isinstance(got, torch.Tensor) or not torch.equal(got.detach().cpu(), original):
                raise Failure(f"{label} was modified; batch_norm may only update the running statistics")
        close(after[1], rm_expected, what="running_mean after the call")
        close(after[2], rv_expected, what="running_var after the call")
    return check


def _case(name, seed, shape, training, *, momentum=None, eps=None, dtype=torch.float32,
          grad=False, keyword=False):
    x, rm, rv, w, b = _inputs(seed, shape)
    kwargs = {}
    if momentum is not None:
        kwargs["momentum"] = momentum
    if eps is not None:
        kwargs["eps"] = eps
    f_kwargs = {"momentum": 0.1 if momentum is None else momentum, "eps": 1e-5 if eps is None else eps}
    args = tuple(t.to(dtype) for t in (x, rm, rv, w, b))
    if keyword:
        kwargs["training"] = training
    else:
        args = args + (training,)
    rm_after, rv_after = rm.clone(), rv.clone()
    if grad:
        xg, wg, bg = (t.clone().requires_grad_(True) for t in (x, w, b))
        out = F.batch_norm(xg, rm_after, rv_after, wg, bg, training, **f_kwargs)
        grad_out = torch.randn(out.shape, generator=seeded(seed + 1000), dtype=torch.float64)
        grads = torch.autograd.grad(out, (xg, wg, bg), grad_out)
        expected = out.detach().to(dtype)
    else:
        expected = F.batch_norm(x, rm_after, rv_after, w, b, training, **f_kwargs).to(dtype)
    common = dict(args=args, kwargs=kwargs, expected=expected)
    if training:
        common.update(
            mutates=True,
            check=_check_state(args[0], args[3], args[4], rm_after.to(dtype), rv_after.to(dtype)),
        )
    if grad:
        return Case(name, driver="vjp", wrt=(0, 3, 4), grad_out=grad_out.to(dtype),
                    expected_grads=tuple(t.to(dtype) for t in grads), **common)
    return Case(name, **common)


def cases(device: str) -> list[Case]:
    return [
        _case("train_2d_nc", 1, (8, 5), True),
        _case("train_3d_ncl", 2, (4, 3, 7), True),
        _case("train_4d_nchw", 3, (4, 3, 5, 6), True),
        _case("train_small_batch_2_unbiased_running_var", 4, (2, 6), True),
        _case("train_custom_momentum_and_eps_keywords", 5, (6, 4, 3, 3), True, momentum=0.3, eps=0.1,
              keyword=True),
        _case("eval_2d_uses_running_stats", 6, (8, 5), False),
        _case("eval_4d_leaves_running_stats", 7, (3, 4, 5, 5), False, eps=1e-3),
        _case("eval_3d_keywords", 8, (2, 3, 4), False, keyword=True),
        _case("train_float64_keeps_dtype", 9, (5, 3, 4, 4), True, dtype=torch.float64),
        _case("train_gradients_through_batch_stats", 10, (4, 3, 3, 3), True, grad=True,
              dtype=torch.float64),
        _case("eval_gradients", 11, (6, 4), False, grad=True),
    ]
