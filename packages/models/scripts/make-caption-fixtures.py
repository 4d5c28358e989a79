#!/usr/bin/env python3
"""Independent PyTorch reference fixture for the caption decoder of @bayesrnn/models.

How to run (from packages/models):

    /usr/bin/python3 scripts/make-caption-fixtures.py    # Debian's python3, with torch 1.13

What it produces: src/caption/__fixtures__/caption-decoder.json (a few KB), read by
src/caption/caption-decoder-reference.test.ts. Deterministic (fixed torch seed).

How: a tiny Show-and-Tell decoder (vocabulary 9, features 5, embedding 3, hidden 4) on 3
captions of 4, 1 and 3 words, written with PyTorch's own modules in float64 and nothing of the
TypeScript package:

    x_img = Linear(features)                          [3, 1, 3]: the first input of the LSTM
    x = [x_img; Embedding(inputs)]                    [3, 1 + 5, 3]; inputs = <bos> w1 … wn, padded
    h, _ = LSTM(pack_padded_sequence(x, 1 + lengths)) each caption over its own length
    logits = Linear(h[:, 1:])                         [3, 5, 9]: the outputs after the image step
    loss = Σ_b Σ_{t < n_b + 1} cross_entropy(logits[b, t], targets[b, t]) / 3

Parameters are mapped to our layout:

    image/kernel = Linear.weight^T [5, 3]; image/bias = Linear.bias
    rnn/kernel   = [W_ih; W_hh]^T   [3 + 4, 4·4], gate blocks i, f, g, o (PyTorch's order)
    rnn/bias     = b_ih + b_hh
    output/kernel = Linear.weight^T [4, 9]; output/bias = Linear.bias

Numbers: inputs are 4-decimal numbers stored exactly (scripts/fixture_encoding.py); the logits,
the loss and the gradients are rounded to 8 significant digits. The TypeScript test computes
in float32 and compares with TOLERANCES.reference (rtol 1e-4, atol 1e-5).
"""

import json
import pathlib
import sys

import torch

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[3] / "scripts"))
from fixture_encoding import encode, rounded  # noqa: E402  (the repository's shared helpers)

VOCAB, FEATURES, EMBEDDING, HIDDEN = 9, 5, 3, 4
WORDS = [4, 1, 3]
BOS, EOS = 2, 3
OUT = pathlib.Path(__file__).resolve().parent.parent / "src" / "caption" / "__fixtures__"


def main():
    generator = torch.Generator().manual_seed(20151117)
    image = torch.nn.Linear(FEATURES, EMBEDDING).double()
    embedding = torch.nn.Embedding(VOCAB, EMBEDDING).double()
    lstm = torch.nn.LSTM(EMBEDDING, HIDDEN, batch_first=True).double()
    output = torch.nn.Linear(HIDDEN, VOCAB).double()
    with torch.no_grad():
        for module in (image, embedding, lstm, output):
            for parameter in module.parameters():
                parameter.copy_(rounded(generator, *parameter.shape))

    rows, steps = len(WORDS), max(WORDS) + 1
    features = rounded(generator, rows, FEATURES, scale=1.0)
    inputs = torch.zeros(rows, steps, dtype=torch.long)
    targets = torch.zeros(rows, steps, dtype=torch.long)
    for row, words in enumerate(WORDS):
        caption = torch.randint(4, VOCAB, (words,), generator=generator)
        inputs[row, : words + 1] = torch.cat([torch.tensor([BOS]), caption])
        targets[row, : words + 1] = torch.cat([caption, torch.tensor([EOS])])
    lengths = torch.tensor(WORDS) + 1

    x = torch.cat([image(features).unsqueeze(1), embedding(inputs)], 1)
    packed = torch.nn.utils.rnn.pack_padded_sequence(
        x, lengths + 1, batch_first=True, enforce_sorted=False
    )
    h, _ = torch.nn.utils.rnn.pad_packed_sequence(lstm(packed)[0], batch_first=True)
    logits = output(h[:, 1:])
    mask = torch.arange(steps).unsqueeze(0) < lengths.unsqueeze(1)
    per_target = torch.nn.functional.cross_entropy(
        logits.reshape(-1, VOCAB), targets.reshape(-1), reduction="none"
    ).reshape(rows, steps)
    loss = (per_target * mask).sum() / rows
    loss.backward()

    def kernel(module):
        return module.weight.T

    weights = {
        "image/kernel": kernel(image),
        "image/bias": image.bias,
        "embedding": embedding.weight,
        "rnn/kernel": torch.cat([lstm.weight_ih_l0.T, lstm.weight_hh_l0.T], 0),
        "rnn/bias": lstm.bias_ih_l0 + lstm.bias_hh_l0,
        "output/kernel": kernel(output),
        "output/bias": output.bias,
    }
    gradients = {
        "image/kernel": image.weight.grad.T,
        "image/bias": image.bias.grad,
        "embedding": embedding.weight.grad,
        "rnn/kernel": torch.cat([lstm.weight_ih_l0.grad.T, lstm.weight_hh_l0.grad.T], 0),
        # The gradient of b_ih + b_hh is the gradient of either one.
        "rnn/bias": lstm.bias_ih_l0.grad,
        "output/kernel": output.weight.grad.T,
        "output/bias": output.bias.grad,
    }
    fixture = {
        "config": {
            "vocabSize": VOCAB,
            "featureSize": FEATURES,
            "embeddingSize": EMBEDDING,
            "hiddenSize": HIDDEN,
        },
        "batch": {
            "rows": rows,
            "steps": steps,
            "featureSize": FEATURES,
            "features": encode(features)["data"],
            "inputs": inputs.reshape(-1).tolist(),
            "targets": targets.reshape(-1).tolist(),
            "lengths": lengths.tolist(),
        },
        "weights": {name: encode(value) for name, value in weights.items()},
        # Only the steps before each caption's length are compared: padding is the caller's.
        "logits": encode(logits * mask.unsqueeze(2), 8),
        "loss": float(f"{loss.item():.8g}"),
        "gradients": {name: encode(value, 8) for name, value in gradients.items()},
    }
    OUT.mkdir(parents=True, exist_ok=True)
    path = OUT / "caption-decoder.json"
    path.write_text(json.dumps(fixture, separators=(",", ":")) + "\n")
    print(f"wrote {path} ({path.stat().st_size} bytes)")


if __name__ == "__main__":
    main()
