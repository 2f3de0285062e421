import torch


def distillation_loss(student_logits: torch.Tensor, teacher_logits: torch.Tensor,
                      temperature: float = 2.0) -> torch.Tensor:
    t = temperature
    log_q = torch.log_softmax(student_logits / t, dim=1)
    log_p = torch.log_softmax(teacher_logits / t, dim=1)
    kl = (log_p.exp() * (log_p - log_q)).sum(dim=1)
    return t * t * kl.mean()
