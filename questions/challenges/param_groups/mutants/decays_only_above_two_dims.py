def param_groups(model, weight_decay):
    decay = [p for p in model.parameters() if p.requires_grad and p.dim() > 2]
    no_decay = [p for p in model.parameters() if p.requires_grad and p.dim() <= 2]
    return [{"params": decay, "weight_decay": weight_decay}, {"params": no_decay, "weight_decay": 0.0}]
