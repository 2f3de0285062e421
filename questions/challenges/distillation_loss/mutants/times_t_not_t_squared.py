import torch.nn.functional as F


def distillation_loss(student_logits, teacher_logits, temperature=2.0):
    T = temperature
    log_p = F.log_softmax(teacher_logits / T, dim=1)
    log_q = F.log_softmax(student_logits / T, dim=1)
    return T * (log_p.exp() * (log_p - log_q)).sum(dim=1).mean()
