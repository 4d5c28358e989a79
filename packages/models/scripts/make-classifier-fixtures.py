#!/usr/bin/env python3
"""Independent PyTorch reference fixture for the sentence classifier of @bayesrnn/models.

How to run (from packages/models):

    /usr/bin/python3 scripts/make-classifier-fixtures.py    # Debian's python3, with torch 1.13

What it produces: src/classifier/__fixtures__/sentence-classifier.json (a few KB), read by
src/classifier/sentence-classifier-reference.test.ts. Deterministic (fixed torch seed).

How: a tiny bidirectional LSTM classifier (vocabulary 7, embedding 3, hidden 4, 3 classes) on
3 sentences of lengths 5, 2, 4, written with PyTorch's own modules in float64 and nothing of
the TypeScript package:

    e = Embedding(tokens)                                 [3, 5, 3], right-padded with id 0
    _, (h_n, _) = LSTM(bidirectional)(pack_padded_sequence(e, lengths))
    features = [h_n[forward]; h_n[backward]]              [3, 8]: each direction's state after
                                                          the sentence's own words only
    logits = Linear(features)                             [3, 3]
    loss = cross_entropy(logits, labels)                  mean over the 3 sentences

Packing makes PyTorch run each sentence over its own length, so the padding handling and the
backward direction's reversal are PyTorch's, not ours. The parameters are mapped to our layout:

    <direction>/kernel = [W_ih; W_hh]^T   [3 + 4, 4·4], gate blocks i, f, g, o (PyTorch's order)
    <direction>/bias   = b_ih + b_hh      (so d loss / d bias = d loss / d b_ih)
    output/kernel      = Linear.weight^T  [8, 3];   output/bias = Linear.bias

Numbers: inputs (weights) are 4-decimal numbers stored exactly (scripts/fixture_encoding.py);
the logits, the loss and the gradients are rounded to 8 significant digits. The TypeScript test
computes in float32 and compares with TOLERANCES.reference (rtol 1e-4, atol 1e-5).
"""

import json
import pathlib
import sys

import torch

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[3] / "scripts"))
from fixture_encoding import encode, rounded  # noqa: E402  (the repository's shared helpers)

VOCAB, EMBEDDING, HIDDEN, CLASSES = 7, 3, 4, 3
LENGTHS = [5, 2, 4]
LABELS = [2, 0, 1]
OUT = pathlib.Path(__file__).resolve().parent.parent / "src" / "classifier" / "__fixtures__"


def our_layout(lstm, suffix, grad=False):
    """One direction's PyTorch parameters (or their gradients) as our kernel and bias."""
    pick = (lambda name: getattr(lstm, name + suffix).grad) if grad else (
        lambda name: getattr(lstm, name + suffix)
    )
    kernel = torch.cat([pick("weight_ih_l0").T, pick("weight_hh_l0").T], 0)
    # The gradient of b_ih + b_hh is the gradient of either one.
    bias = pick("bias_ih_l0") if grad else pick("bias_ih_l0") + pick("bias_hh_l0")
    return {"kernel": kernel, "bias": bias}


def main():
    generator = torch.Generator().manual_seed(20170730)
    embedding = torch.nn.Embedding(VOCAB, EMBEDDING).double()
    lstm = torch.nn.LSTM(EMBEDDING, HIDDEN, batch_first=True, bidirectional=True).double()
    linear = torch.nn.Linear(2 * HIDDEN, CLASSES).double()
    with torch.no_grad():
        embedding.weight.copy_(rounded(generator, VOCAB, EMBEDDING, scale=1.0))
        for parameter in lstm.parameters():
            parameter.copy_(rounded(generator, *parameter.shape))
        linear.weight.copy_(rounded(generator, CLASSES, 2 * HIDDEN, scale=1.0))
        linear.bias.copy_(rounded(generator, CLASSES))

    steps = max(LENGTHS)
    tokens = torch.zeros(len(LENGTHS), steps, dtype=torch.long)
    for row, length in enumerate(LENGTHS):
        tokens[row, :length] = torch.randint(0, VOCAB, (length,), generator=generator)
    labels = torch.tensor(LABELS)

    packed = torch.nn.utils.rnn.pack_padded_sequence(
        embedding(tokens), torch.tensor(LENGTHS), batch_first=True, enforce_sorted=False
    )
    _, (h_n, _) = lstm(packed)
    features = torch.cat([h_n[0], h_n[1]], 1)
    logits = linear(features)
    loss = torch.nn.functional.cross_entropy(logits, labels)
    loss.backward()

    weights = {"embedding": embedding.weight}
    gradients = {"embedding": embedding.weight.grad}
    for direction, suffix in (("forward", ""), ("backward", "_reverse")):
        for name, value in our_layout(lstm, suffix).items():
            weights[f"{direction}/{name}"] = value
        for name, value in our_layout(lstm, suffix, grad=True).items():
            gradients[f"{direction}/{name}"] = value
    weights["output/kernel"] = linear.weight.T
    weights["output/bias"] = linear.bias
    gradients["output/kernel"] = linear.weight.grad.T
    gradients["output/bias"] = linear.bias.grad

    fixture = {
        "config": {
            "vocabSize": VOCAB,
            "embeddingSize": EMBEDDING,
            "hiddenSize": HIDDEN,
            "classes": CLASSES,
        },
        "batch": {
            "rows": len(LENGTHS),
            "steps": steps,
            "tokens": tokens.reshape(-1).tolist(),
            "lengths": LENGTHS,
            "labels": LABELS,
        },
        "weights": {name: encode(value) for name, value in weights.items()},
        "features": encode(features, 8),
        "logits": encode(logits, 8),
        "loss": float(f"{loss.item():.8g}"),
        "gradients": {name: encode(value, 8) for name, value in gradients.items()},
    }
    OUT.mkdir(parents=True, exist_ok=True)
    path = OUT / "sentence-classifier.json"
    path.write_text(json.dumps(fixture, separators=(",", ":")) + "\n")
    print(f"wrote {path} ({path.stat().st_size} bytes)")


if __name__ == "__main__":
    main()
