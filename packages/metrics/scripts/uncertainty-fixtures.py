#!/usr/bin/env python3
"""Independent PyTorch reference for the uncertainty and calibration metrics of @bayesrnn/metrics.

How to run (from packages/metrics):

    /usr/bin/python3 scripts/uncertainty-fixtures.py   # Debian's python3, which has torch (1.13)

Writes src/__fixtures__/uncertainty-reference.json, read by categorical-entropy.test.ts,
mutual-information.test.ts, brier-score.test.ts and expected-calibration-error.test.ts.
Deterministic (fixed torch seed): re-running it reproduces the same file.

Nothing of the TypeScript package is used. In float64, from the stored inputs:

    entropy      torch.distributions.Categorical(logits=lp).entropy()                 [N]
    total        Categorical(probs=mean_k exp(lp_k)).entropy()                         [N]
    aleatoric    mean_k Categorical(logits=lp_k).entropy()                             [N]
    mutual info  total - aleatoric                                                     [N]
    Brier        mean_n sum_c (p_nc - one_hot(y_n)_c)**2
    ECE          confidence, prediction = p.max(-1); edges = linspace(0, 1, B + 1);
                 bin b holds edges[b] < confidence <= edges[b + 1] (and confidence 0 in bin 0),
                 Guo et al. 2017's right-closed bins; ECE = sum_b n_b / N * |acc_b - conf_b|

Numbers: logits are random normals times a per-row scale (so confidences spread over (1/C, 1));
the log-probabilities are stored to 9 significant digits (more than float32 holds), and every
reference value is computed from exactly those stored numbers. Labels are drawn from a softer
"true" distribution than the prediction, so the predictions are over-confident and ECE is well
above 0. No confidence lies within 1e-5 of a bin edge (checked), so that float32 rounding in
the TypeScript cannot move an example to another bin.

Tensor layout in the JSON: {"shape": [...], "data": [row-major numbers]}; an empty bin's
confidence and accuracy are null (NaN in the TypeScript).
"""

import json
import math
import pathlib

import torch
import torch.nn.functional as F
from torch.distributions import Categorical

OUT = pathlib.Path(__file__).resolve().parent.parent / "src" / "__fixtures__" / "uncertainty-reference.json"
EDGE_MARGIN = 1e-5


def stored(tensor):
    """The tensor as the JSON will hold it: each number rounded to 9 significant digits."""
    values = [float(f"{v:.9g}") for v in tensor.flatten().tolist()]
    return torch.tensor(values, dtype=torch.float64).reshape(tensor.shape)


def encode(tensor):
    return {"shape": list(tensor.shape), "data": tensor.flatten().tolist()}


def random_log_probabilities(generator, shape, low=-1.5, high=2.5):
    """log_softmax of normal logits, each row scaled by exp(U(low, high))."""
    logits = torch.randn(shape, generator=generator, dtype=torch.float64)
    scale = torch.exp(torch.empty(shape[:-1] + (1,), dtype=torch.float64).uniform_(low, high, generator=generator))
    return logits * scale


def calibration(probabilities, labels, bins):
    confidence, prediction = probabilities.max(-1)
    hit = prediction.eq(labels).to(torch.float64)
    edges = torch.linspace(0, 1, bins + 1, dtype=torch.float64)
    # Inner edges only: every side puts 1 (or a rounding above) in the last bin.
    distance = (confidence[:, None] - edges[None, 1:-1]).abs().min() if bins > 1 else 1.0
    if distance < EDGE_MARGIN:
        raise SystemExit(f"a confidence lies {distance} from a bin edge; change the seed")
    counts, confidences, accuracies = [], [], []
    ece = torch.zeros((), dtype=torch.float64)
    for b in range(bins):
        in_bin = (confidence > edges[b]) & (confidence <= edges[b + 1])
        if b == 0:
            in_bin |= confidence.eq(0)
        count = int(in_bin.sum())
        counts.append(count)
        if count == 0:
            confidences.append(None)
            accuracies.append(None)
            continue
        mean_confidence = confidence[in_bin].mean()
        accuracy = hit[in_bin].mean()
        confidences.append(float(mean_confidence))
        accuracies.append(float(accuracy))
        ece += count / len(labels) * (accuracy - mean_confidence).abs()
    assert sum(counts) == len(labels)
    return {"bins": bins, "ece": float(ece), "counts": counts, "confidence": confidences, "accuracy": accuracies}


def classification_case(generator, examples, classes):
    logits = random_log_probabilities(generator, (examples, classes))
    lp = stored(torch.log_softmax(logits, -1))
    truth = torch.softmax(0.5 * logits, -1)  # softer than the prediction: over-confident
    labels = torch.multinomial(truth, 1, generator=generator).squeeze(-1)
    p = lp.exp()
    brier = ((p - F.one_hot(labels, classes).to(torch.float64)) ** 2).sum(-1).mean()
    return {
        "logProbabilities": encode(lp),
        "labels": labels.tolist(),
        "entropy": Categorical(logits=lp).entropy().tolist(),
        "brier": float(brier),
        "accuracy": float(p.argmax(-1).eq(labels).to(torch.float64).mean()),
        "calibration": [calibration(p, labels, bins) for bins in (15, 10, 1)],
    }


def samples_case(generator, samples, examples, classes):
    base = torch.randn((1, examples, classes), generator=generator, dtype=torch.float64) * 2
    # Disagreement grows along the examples, from none (identical samples) to a lot.
    spread = torch.linspace(0, 3, examples, dtype=torch.float64)[None, :, None]
    noise = torch.randn((samples, examples, classes), generator=generator, dtype=torch.float64)
    lp = stored(torch.log_softmax(base + spread * noise, -1))
    total = Categorical(probs=lp.exp().mean(0)).entropy()
    aleatoric = Categorical(logits=lp).entropy().mean(0)
    return {
        "sampleLogProbabilities": encode(lp),
        "total": total.tolist(),
        "aleatoric": aleatoric.tolist(),
        "mutualInformation": (total - aleatoric).tolist(),
    }


def main():
    generator = torch.Generator().manual_seed(20170614)  # Guo et al., arXiv 1706.04599
    fixture = {
        "generator": "scripts/uncertainty-fixtures.py",
        "torch": torch.__version__,
        "classification": classification_case(generator, 300, 5),
        "samples": samples_case(generator, 8, 40, 6),
    }
    assert math.isfinite(fixture["classification"]["brier"])
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text(json.dumps(fixture, indent=1) + "\n")
    ece = [case["ece"] for case in fixture["classification"]["calibration"]]
    print(f"wrote {OUT} (ECE at 15, 10, 1 bins: {ece})")


if __name__ == "__main__":
    main()
