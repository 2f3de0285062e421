"""Hidden tests for distillation_loss: expected values are T²·F.kl_div(log q, log p, "batchmean",
log_target=True) in float64 (`tensor_case`), a form that never computes 0·log 0."""

from __future__ import annotations

import torch
import torch.nn.functional as F

from drillcli.grader.api import Case, seeded, tensor_case

# docs/challenges.md: logits of ±1e4 need a finite, correct loss with atol 1e-3; rtol 1e-6 leaves room for a
# few float32 ulps when the loss itself is of order 1e4.
LARGE = {"atol": 1e-3, "rtol": 1e-6}


def _distill(student: torch.Tensor, teacher: torch.Tensor, temperature: float = 2.0) -> torch.Tensor:
    log_q = F.log_softmax(student / temperature, dim=1)
    log_p = F.log_softmax(teacher.detach() / temperature, dim=1)
    return temperature**2 * F.kl_div(log_q, log_p, reduction="batchmean", log_target=True)


def _case(name, student, teacher, t=None, *, how="kw", dtype=torch.float32, tol=None, wrt=(),
          description="") -> Case:
    """`how`: "kw" passes temperature by keyword, "pos" by position, "default" leaves it out (T = 2)."""
    student, teacher = student.to(dtype), teacher.to(dtype)
    args, kwargs = (student, teacher), {}
    if how == "pos":
        args = (student, teacher, t)
    elif how == "kw":
        kwargs = {"temperature": t}
    shown = 2.0 if t is None else t
    return tensor_case(name, _distill, args, kwargs, wrt=wrt, **(tol or {}),
                       description=description or f"{list(student.shape)} logits, T={shown}")


def _pair(seed: int, n: int, c: int, scale: float = 1.0):
    g = seeded(seed)
    student = torch.randn(n, c, generator=g, dtype=torch.float64) * scale
    teacher = torch.randn(n, c, generator=g, dtype=torch.float64) * scale
    return student, teacher


def cases(device: str) -> list[Case]:
    same = torch.randn(4, 6, generator=seeded(9), dtype=torch.float64)
    big_s, big_t = _pair(10, 6, 5, scale=1e4)
    off_s, off_t = _pair(11, 5, 4, scale=2.0)
    sharp = torch.tensor([[6.0, 0.0, 0.0, 0.0], [0.0, 5.0, -2.0, 1.0], [-3.0, 0.0, 0.0, 4.0]])
    return [
        _case("default_temperature_2", *_pair(1, 6, 5, scale=2.0), how="default"),
        _case("temperature_4_keyword", *_pair(2, 8, 10, scale=3.0), 4.0),
        _case("temperature_1_positional", *_pair(3, 5, 7), 1.0, how="pos"),
        # A sharp teacher and a uniform student: KL(p‖q) and KL(q‖p) differ a lot.
        _case("direction_confident_teacher", torch.zeros(3, 4), sharp, 1.5,
              description="teacher sharp, student uniform: KL(teacher ‖ student), not the reverse"),
        _case("worked_example", torch.tensor([[0.0, 0.0]]), torch.tensor([[2.0, 0.0]]), 2.0),
        _case("identical_logits_zero", same, same.clone(), 3.0, description="student = teacher: loss 0"),
        _case("temperature_below_1", *_pair(4, 6, 4), 0.5),
        _case("many_classes_1000", *_pair(5, 8, 1000, scale=2.0), 2.0),
        _case("large_logits_1e4", big_s, big_t, 2.0, tol=LARGE,
              description="logits of ±1e4: the teacher's softmax underflows to exact zeros"),
        _case("common_offset_pm1e4", off_s + 1e4, off_t - 1e4, 1.0, tol=LARGE, description="rows shifted by ±1e4"),
        _case("float64_keeps_dtype", *_pair(6, 5, 6, scale=2.0), 3.0, dtype=torch.float64),
        _case("gradient_wrt_student", *_pair(7, 6, 5, scale=2.0), 2.5, wrt=(0,),
              description="gradient w.r.t. the student's logits: T·(q − p) / N"),
    ]
