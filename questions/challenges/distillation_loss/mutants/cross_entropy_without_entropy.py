import torch.nn.functional as F


def distillation_loss(student_logits, teacher_logits, temperature=2.0):
    T = temperature
    p = F.softmax(teacher_logits / T, dim=1)
    return T ** 2 * -(p * F.log_softmax(student_logits / T, dim=1)).sum(1).mean()
