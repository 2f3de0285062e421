"""Hidden tests for max_pool2d: expected values come from F.max_pool2d (ceil_mode=False, no padding)."""

import torch
import torch.nn.functional as F

from drillcli.grader.api import Case, seeded


def _x(seed, shape, dtype=torch.float32, shift=0.0):
    # a random permutation of distinct values: no ties, so the gradient is unambiguous
    g = seeded(seed)
    numel = 1
    for d in shape:
        numel *= d
    values = torch.randperm(numel, generator=g).to(torch.float64) / numel * 4 - 2 + shift
    return values.reshape(shape).to(dtype)


def _case(name, seed, shape, k, stride=None, *, pass_stride=True, keyword=False, dtype=torch.float32,
          shift=0.0, grad=False):
    x = _x(seed, shape, dtype, shift)
    expected = F.max_pool2d(x, k, stride)
    if not pass_stride:
        args, kwargs = (x, k), {}
    elif keyword:
        args, kwargs = (x,), {"kernel_size": k, "stride": stride}
    else:
        args, kwargs = (x, k, stride), {}
    if not grad:
        return Case(name, args=args, kwargs=kwargs, expected=expected)
    xg = x.clone().requires_grad_(True)
    out = F.max_pool2d(xg, k, stride)
    grad_out = torch.randn(out.shape, generator=seeded(seed + 1000), dtype=dtype)
    (gx,) = torch.autograd.grad(out, (xg,), grad_out)
    return Case(name, args=args, kwargs=kwargs, driver="vjp", wrt=(0,), grad_out=grad_out,
                expected=out.detach(), expected_grads=(gx,))


def cases(device: str) -> list[Case]:
    return [
        _case("kernel2_default_stride", 1, (1, 1, 4, 4), 2, pass_stride=False),
        _case("kernel2_stride_none_explicit", 2, (2, 3, 6, 8), 2, None),
        _case("kernel3_default_stride_batch", 3, (3, 4, 9, 9), 3, pass_stride=False),
        _case("overlapping_kernel3_stride1", 4, (2, 2, 7, 6), 3, 1),
        _case("overlapping_kernel3_stride2_keywords", 5, (2, 3, 9, 11), 3, 2, keyword=True),
        _case("uneven_size_drops_partial_windows", 6, (2, 2, 7, 9), 2, pass_stride=False),
        _case("stride_larger_than_kernel", 7, (1, 3, 10, 8), 2, 3),
        _case("all_negative_values", 8, (2, 3, 6, 6), 2, 2, shift=-10.0),
        _case("float64_keeps_dtype", 9, (2, 2, 8, 5), 3, 2, dtype=torch.float64),
        _case("gradient_reaches_window_max", 10, (2, 2, 7, 7), 3, 2, grad=True),
    ]
