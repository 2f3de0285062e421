import torch


def distillation_loss(student_logits, teacher_logits, temperature=2.0):
    t = temperature
    p = torch.softmax(teacher_logits / t, dim=1)
    log_q = torch.log_softmax(student_logits / t, dim=1)
    return t * t * (p * (torch.log(p) - log_q)).sum(dim=1).mean()
