"""Hidden tests for conv2d: expected values come from torch's own conv2d in float64."""

import torch
import torch.nn.functional as F

from drillcli.grader.api import Case, seeded

TOL = 1e-3  # TF32 / cuDNN on CUDA


def _inputs(seed, n, c_in, h, w, c_out, kh, kw, bias=True, dtype=torch.float32):
    g = seeded(seed)
    x = torch.randn(n, c_in, h, w, generator=g, dtype=torch.float64)
    weight = torch.randn(c_out, c_in, kh, kw, generator=g, dtype=torch.float64) / (c_in * kh * kw) ** 0.5
    b = torch.randn(c_out, generator=g, dtype=torch.float64) if bias else None
    return x, weight, b


def _case(name, seed, n, c_in, h, w, c_out, kh, kw, stride=1, padding=0, bias=True,
          dtype=torch.float32, keyword=False, grad=False):
    x, weight, b = _inputs(seed, n, c_in, h, w, c_out, kh, kw, bias)
    expected = F.conv2d(x, weight, b, stride=stride, padding=padding).to(dtype)
    args = tuple(None if t is None else t.to(dtype) for t in (x, weight, b))
    kwargs = {}
    if keyword:
        kwargs = {"stride": stride, "padding": padding}
    else:
        args = args + (stride, padding)
    if not grad:
        return Case(name, args=args, kwargs=kwargs, expected=expected, cuda_tol=TOL)
    xg = x.clone().requires_grad_(True)
    wg = weight.clone().requires_grad_(True)
    out = F.conv2d(xg, wg, b, stride=stride, padding=padding)
    grad_out = torch.randn(out.shape, generator=seeded(seed + 1000), dtype=torch.float64)
    gx, gw = torch.autograd.grad(out, (xg, wg), grad_out)
    return Case(
        name, args=args, kwargs=kwargs, driver="vjp", wrt=(0, 1), grad_out=grad_out.to(dtype),
        expected=out.detach().to(dtype), expected_grads=(gx.to(dtype), gw.to(dtype)), cuda_tol=TOL,
    )


def cases(device: str) -> list[Case]:
    return [
        _case("basic_3x3_no_bias", 1, 1, 1, 5, 5, 1, 3, 3, bias=False),
        _case("batch_channels_with_bias", 2, 3, 4, 8, 8, 6, 3, 3),
        _case("stride2_padding1", 3, 2, 3, 9, 9, 5, 3, 3, stride=2, padding=1, keyword=True),
        _case("rectangular_kernel_3x5_stride2_pad2", 4, 2, 3, 10, 7, 4, 3, 5, stride=2, padding=2),
        _case("rectangular_input_1x1_kernel", 5, 4, 5, 6, 11, 3, 1, 1),
        _case("stride_larger_than_kernel", 6, 2, 2, 11, 9, 3, 2, 2, stride=3, padding=0, bias=False),
        _case("padding2_no_bias_kernel_2x4", 7, 1, 3, 5, 6, 2, 2, 4, padding=2, bias=False, keyword=True),
        _case("float64_keeps_dtype", 8, 2, 3, 7, 7, 4, 3, 3, stride=2, padding=1, dtype=torch.float64),
        _case("gradients_wrt_x_and_weight", 9, 2, 3, 7, 6, 4, 3, 2, stride=2, padding=1, grad=True),
        _case("gradients_float64_no_bias", 10, 2, 2, 6, 6, 3, 3, 3, padding=1, bias=False,
              dtype=torch.float64, grad=True),
    ]
