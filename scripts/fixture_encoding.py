"""How the packages' PyTorch fixture scripts write numbers (imported by packages/*/scripts/*.py).

Inputs are uniform 4-decimal numbers, which JSON stores exactly; outputs are rounded to a few
significant digits. The TypeScript tests decode them with @bayesrnn/testing's `decode`.
"""

import torch


def rounded(generator, *shape, scale=0.5, low=None):
    """Uniform in [-scale, scale] (or [low, scale]), rounded to 4 decimals (exact in the JSON)."""
    low = -scale if low is None else low
    values = torch.rand(*shape, generator=generator, dtype=torch.float64) * (scale - low) + low
    return torch.round(values * 1e4) / 1e4


def encode(tensor, digits=10):
    """{"shape", "data"}: row-major numbers to `digits` significant digits (10 prints the
    4-decimal inputs exactly, without float64 noise)."""
    values = [float(f"{v:.{digits}g}") for v in tensor.detach().reshape(-1).tolist()]
    return {"shape": list(tensor.shape), "data": values}
