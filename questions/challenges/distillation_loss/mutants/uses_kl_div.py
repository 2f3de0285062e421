import torch.nn.functional as F


def distillation_loss(student_logits, teacher_logits, temperature=2.0):
    t = temperature
    log_q = F.log_softmax(student_logits / t, dim=1)
    log_p = F.log_softmax(teacher_logits / t, dim=1)
    return F.kl_div(log_q, log_p, reduction="batchmean", log_target=True) * t * t
