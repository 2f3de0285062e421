import torch


def distillation_loss(student_logits, teacher_logits, temperature=2.0):
    log_q = torch.log_softmax(student_logits / temperature, dim=1)
    log_p = torch.log_softmax(teacher_logits / temperature, dim=1)
    return (log_p.exp() * (log_p - log_q)).sum(dim=1).mean()
