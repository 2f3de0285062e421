"""Runs in the submission's process: gradients through both returned states of lstm_cell."""

import torch

from drillcli.grader.sandbox import trusted


def vjp_both_states(entry, x, h, c, w_ih, w_hh, b_ih, b_hh, *, grad_h, grad_c):
    """Call `entry` on fresh leaves and back-propagate (grad_h, grad_c) through (h_next, c_next).

    Returns {"h": h_next, "c": c_next, "grads": [d/dx, d/dh, d/dc, d/dw_ih, d/dw_hh]}, or a "problem"
    string the trusted side reports when the outputs cannot be differentiated.
    """
    with trusted():
        leaves = [t.detach().clone().requires_grad_(True) for t in (x, h, c, w_ih, w_hh)]
    out = entry(*leaves, b_ih, b_hh)
    with trusted():
        if not isinstance(out, (tuple, list)) or len(out) != 2:
            return {"problem": f"expected a pair (h_next, c_next), got {type(out).__name__}"}
        h_next, c_next = out
        if not all(isinstance(t, torch.Tensor) for t in (h_next, c_next)):
            return {"problem": "h_next and c_next must be tensors"}
        pairs = [(t, g) for t, g in ((h_next, grad_h), (c_next, grad_c)) if t.requires_grad]
        if not pairs:
            return {"problem": "the outputs are not connected to the inputs by autograd"}
        grads = torch.autograd.grad(
            [t for t, _ in pairs], leaves, [g for _, g in pairs], allow_unused=True
        )
        grads = [torch.zeros_like(leaf) if g is None else g.detach() for leaf, g in zip(leaves, grads)]
        return {"h": h_next.detach(), "c": c_next.detach(), "grads": grads}
