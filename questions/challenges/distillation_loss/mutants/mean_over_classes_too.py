import torch


def distillation_loss(student_logits, teacher_logits, temperature=2.0):
    t = temperature
    log_q = torch.log_softmax(student_logits / t, dim=1)
    log_p = torch.log_softmax(teacher_logits / t, dim=1)
    return t * t * (log_p.exp() * (log_p - log_q)).mean()
