import torch


def clip_loss(image_emb: torch.Tensor, text_emb: torch.Tensor, temperature: float = 0.07) -> torch.Tensor:
    """Symmetric InfoNCE over an (N, N) matrix of cosine similarities / temperature; row i matches row i."""
    raise NotImplementedError
