"""Hidden tests for clip_loss: expected values and gradients from the prompt's formula in float64
(`tensor_case`)."""

from __future__ import annotations

import torch
import torch.nn.functional as F

from drillcli.grader.api import Case, seeded, tensor_case


def _clip(image: torch.Tensor, text: torch.Tensor, temperature: float = 0.07) -> torch.Tensor:
    logits = F.normalize(image, dim=1) @ F.normalize(text, dim=1).T / temperature
    labels = torch.arange(logits.shape[0])
    return (F.cross_entropy(logits, labels) + F.cross_entropy(logits.T, labels)) / 2


def _case(name, img, txt, t=None, *, how="kw", dtype=torch.float32, wrt=(), atol=None, rtol=None,
          description="") -> Case:
    """`how`: "kw" passes temperature by keyword, "pos" by position, "default" leaves it out (0.07)."""
    img, txt = img.to(dtype), txt.to(dtype)
    args, kwargs = (img, txt), {}
    if how == "pos":
        args = (img, txt, t)
    elif how == "kw":
        kwargs = {"temperature": t}
    shown = 0.07 if t is None else t
    return tensor_case(name, _clip, args, kwargs, wrt=wrt, atol=atol, rtol=rtol, cuda_tol=1e-3,
                       description=description or f"{list(img.shape)} embeddings, temperature={shown}")


def _pair(seed: int, n: int, d: int, *, spread: bool = False, related: bool = False):
    """Random embeddings; `spread` gives rows norms from 0.1 to 10 (dot products then differ from
    cosines); `related` makes text row i close to image row i (a realistic, low loss)."""
    g = seeded(seed)
    img = torch.randn(n, d, generator=g, dtype=torch.float64)
    txt = torch.randn(n, d, generator=g, dtype=torch.float64)
    if related:
        txt = img + 0.5 * txt
    if spread:
        img = img * 10 ** (torch.rand(n, 1, generator=g, dtype=torch.float64) * 2 - 1)
        txt = txt * 10 ** (torch.rand(n, 1, generator=g, dtype=torch.float64) * 2 - 1)
    return img, txt


def cases(device: str) -> list[Case]:
    worked = (torch.tensor([[1.0, 0.0], [0.0, 2.0]]), torch.tensor([[1.0, 0.0], [1.0, 1.0]]))
    return [
        _case("default_temperature", *_pair(1, 8, 16, related=True), how="default"),
        _case("row_norms_0.1_to_10", *_pair(2, 6, 5, spread=True), 0.5,
              description="rows of very different lengths: cosine similarity, not dot products"),
        # N > D and N < D: normalising columns instead of rows shows.
        _case("more_pairs_than_dims", *_pair(3, 12, 4, spread=True), 0.2),
        _case("fewer_pairs_than_dims", *_pair(4, 3, 10), 1.0, how="pos"),
        _case("asymmetric_directions", *_pair(5, 5, 3, spread=True), 0.3,
              description="the image→text and text→image losses differ; their mean is asked"),
        _case("worked_example", *worked, 1.0),
        _case("single_pair_zero_loss", *_pair(6, 1, 8), 0.07, description="N = 1: the only candidate is right"),
        # 1/T = 200 magnifies float32 rounding in the cosines (about 1e-7 each) to about 2e-5 in the
        # logits, so this case allows 1e-4; an overflowing exp gives inf or NaN, far outside it.
        _case("tiny_temperature_0.005", *_pair(7, 8, 6, related=True), 0.005, atol=1e-4, rtol=1e-5,
              description="logits up to 200: exp overflows float32 without a stable cross-entropy"),
        _case("batch_256_dim_64", *_pair(8, 256, 64, related=True), 0.07),
        _case("float64_keeps_dtype", *_pair(9, 7, 5, spread=True), 0.1, dtype=torch.float64),
        _case("gradients_both_embeddings", *_pair(10, 6, 4, spread=True), 0.25, wrt=(0, 1),
              description="gradients flow to image_emb and text_emb (through the normalisation)"),
    ]
