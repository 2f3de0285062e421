from torch import nn


def kaiming_normal_(tensor):
    return nn.init.kaiming_normal_(tensor, nonlinearity="relu")
