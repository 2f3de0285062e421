class EarlyStopping:
    state = {"best": None, "bad": 0}  # shared by every instance

    def __init__(self, patience, min_delta=0.0):
        self.patience, self.min_delta = patience, min_delta

    def step(self, val_loss):
        s = self.state
        if s["best"] is None or val_loss < s["best"] - self.min_delta:
            s["best"], s["bad"] = val_loss, 0
        else:
            s["bad"] += 1
        return s["bad"] >= self.patience
