class EarlyStopping:
    def __init__(self, patience, min_delta=0.0):
        self.patience, self.min_delta, self.last, self.bad = patience, min_delta, None, 0

    def step(self, val_loss):
        # Compares with the previous epoch instead of the best one.
        if self.last is None or val_loss < self.last - self.min_delta:
            self.bad = 0
        else:
            self.bad += 1
        self.last = val_loss
        return self.bad >= self.patience
