import torch
import torch.nn.functional as F


def conv2d(x, weight, bias=None, stride=1, padding=0):
    # assumes kH == kW (reads only the last kernel dim)
    n, c_in, h, w = x.shape
    c_out = weight.shape[0]
    k = weight.shape[-1]
    xp = F.pad(x, (padding, padding, padding, padding))
    h_out = (h + 2 * padding - k) // stride + 1
    w_out = (w + 2 * padding - k) // stride + 1
    out = x.new_zeros(n, c_out, h_out, w_out)
    for i in range(k):
        for j in range(k):
            patch = xp[:, :, i : i + stride * (h_out - 1) + 1 : stride, j : j + stride * (w_out - 1) + 1 : stride]
            out = out + torch.einsum("nchw,oc->nohw", patch, weight[:, :, min(i, weight.shape[2] - 1), j])
    if bias is not None:
        out = out + bias.view(1, -1, 1, 1)
    return out
