#!/usr/bin/env python3
"""PyTorch reference fixtures for sab() (@bayesrnn/sab).

How to run (from packages/sab; Debian's python3 with python3-torch):

    /usr/bin/python3 scripts/make-fixtures.py

Writes src/__fixtures__/sab.json, read by sab-reference.test.ts. Deterministic (fixed seed).

Sparse attentive backtracking around an LSTM, written here from papers.md section 5.1-5.2
(Ke et al. 2018 and the official release code) in float64, with nothing of the TypeScript
package. At step t (0-based), with M starting as the zero initial h (one memory):

    if (t + 1) % k_trunc == 0:  h, c = h.detach(), c.detach()      local truncation
    h_hat, c = LSTM(x_t, h, c)        kernel [input + hidden, 4 hidden] over [x; h], gates i, f, g, o
    a_i  = w^T tanh([h_hat; m_i])     for every memory: "linear", the official code's read-out
         = v^T tanh(W [h_hat; m_i] + b)    "mlp", the paper's MLP with one hidden layer of
                                           attentionSize units; W = [W_q; W_m] is applied to the
                                           concatenation itself, per memory, as the paper says
    delta = (k_top + 1)-th largest a_i     if |M| > k_top  (the paper's k_top, not the code's k_top - 1)
          = min_i a_i - 1                  if |M| <= k_top (every memory kept; the code returns raw a)
    a~   = relu(a - delta) / (sum relu(a - delta) + 1e-7)   delta keeps its gradient, as torch.topk's
    s    = sum_i a~_i m_i;   h = h_hat + s
    if (t + 1) % k_att == 0:  M = [M; h]                     NOT detached
    output_t = [h; s]

The loss is sum_t sum(output_t * R_t) for a fixed random R; gradients are taken with respect to
every weight (cell/kernel, cell/bias, attention/kernel; for "mlp" also attention/query,
attention/memory, attention/bias) and the inputs, through exactly these detach points. The
first two cases are "linear" and leave "scoring" out of their config, so that they stay byte
for byte what they were before the "mlp" case was added (the tests read a missing scoring as
"linear"). Inputs are 4-decimal numbers stored exactly; outputs, the final state, the loss
and the gradients are rounded to 8 significant digits. TypeScript compares with
TOLERANCES.reference. The script refuses a case whose scores come within 1e-3 of a tie at a
threshold, where float32 could choose differently.
"""

import json
import pathlib
import sys

import torch

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[3] / "scripts"))
from fixture_encoding import encode, rounded  # noqa: E402  (the repository's shared helpers)

OUT = pathlib.Path(__file__).resolve().parent.parent / "src" / "__fixtures__" / "sab.json"
BATCH, INPUT, HIDDEN = 2, 2, 3
EPS = 1e-7
MARGIN = 1.0
TIE_GAP = 1e-3


def lstm(w, x, h, c):
    gates = torch.cat([x, h], 1) @ w["cell/kernel"] + w["cell/bias"]
    i, f, g, o = gates.chunk(4, dim=1)
    c = torch.sigmoid(f) * c + torch.sigmoid(i) * torch.tanh(g)
    return torch.sigmoid(o) * torch.tanh(c), c


def check_gap(sorted_scores, column):
    """Refuse near-ties around the threshold column (descending sort)."""
    n = sorted_scores.shape[1]
    for other in (column - 1, column + 1):
        if 0 <= other < n:
            gap = (sorted_scores[:, other] - sorted_scores[:, column]).abs().min().item()
            if gap < TIE_GAP:
                raise SystemExit(f"near-tie at the threshold (gap {gap:.2e}): pick another seed")


def sparsify(scores, top_k):
    n = scores.shape[1]
    ordered = torch.sort(scores.detach(), dim=1, descending=True).values
    if n > top_k:
        check_gap(ordered, top_k)
        delta = torch.topk(scores, top_k + 1, dim=1).values[:, -1:]
    else:
        check_gap(ordered, n - 1)
        delta = torch.min(scores, dim=1, keepdim=True).values - MARGIN
    kept = torch.relu(scores - delta)
    return kept / (kept.sum(1, keepdim=True) + EPS)


def score(w, h_hat, memories, config):
    n = memories.shape[1]
    joined = torch.cat([h_hat.unsqueeze(1).expand(-1, n, -1), memories], 2)
    if config.get("scoring", "linear") == "linear":
        return torch.tanh(joined) @ w["attention/kernel"]
    first = torch.cat([w["attention/query"], w["attention/memory"]], 0)  # [2 hidden, attention]
    return torch.tanh(joined @ first + w["attention/bias"]) @ w["attention/kernel"]


def run(w, inputs, config):
    top_k, attend_every, truncation = config["topK"], config["attendEvery"], config["truncation"]
    h = torch.zeros(BATCH, HIDDEN, dtype=torch.float64)
    c = torch.zeros_like(h)
    memories = h.unsqueeze(1)
    outputs = []
    for t in range(inputs.shape[0]):
        if (t + 1) % truncation == 0:
            h, c = h.detach(), c.detach()
        h_hat, c = lstm(w, inputs[t], h, c)
        scores = score(w, h_hat, memories, config)
        weights = sparsify(scores, top_k)
        summary = (weights.unsqueeze(2) * memories).sum(1)
        h = h_hat + summary
        if (t + 1) % attend_every == 0:
            memories = torch.cat([memories, h.unsqueeze(1)], 1)
        outputs.append(torch.cat([h, summary], 1))
    return torch.stack(outputs), {"h": h, "c": c, "memories": memories}


def make_case(generator, config, steps):
    shapes = {
        "cell/kernel": (INPUT + HIDDEN, 4 * HIDDEN),
        "cell/bias": (4 * HIDDEN,),
        "attention/kernel": (2 * HIDDEN,),
    }
    scales = {"cell/kernel": 0.8, "cell/bias": 0.5, "attention/kernel": 1.5}
    if config.get("scoring", "linear") == "mlp":
        size = config["attentionSize"]
        shapes = {
            "cell/kernel": (INPUT + HIDDEN, 4 * HIDDEN),
            "cell/bias": (4 * HIDDEN,),
            "attention/query": (HIDDEN, size),
            "attention/memory": (HIDDEN, size),
            "attention/bias": (size,),
            "attention/kernel": (size,),
        }
        scales = {
            "cell/kernel": 0.8,
            "cell/bias": 0.5,
            "attention/query": 2.0,
            "attention/memory": 2.0,
            "attention/bias": 0.5,
            "attention/kernel": 1.5,
        }
    weights = {n: rounded(generator, *s, scale=scales[n]).requires_grad_() for n, s in shapes.items()}
    inputs = rounded(generator, steps, BATCH, INPUT, scale=1.0).requires_grad_()
    loss_weights = rounded(generator, steps, BATCH, 2 * HIDDEN, scale=1.0)
    outputs, state = run(weights, inputs, config)
    loss = (outputs * loss_weights).sum()
    loss.backward()
    gradients = {n: encode(w.grad, 8) for n, w in weights.items()}
    gradients["inputs"] = encode(inputs.grad, 8)
    return {
        "config": config,
        "weights": {n: encode(w) for n, w in weights.items()},
        "inputs": encode(inputs),
        "lossWeights": encode(loss_weights),
        "outputs": encode(outputs, 8),
        "finalState": {n: encode(v, 8) for n, v in state.items()},
        "finalTime": steps,
        "loss": float(f"{loss.item():.8g}"),
        "gradients": gradients,
    }


def main():
    generator = torch.Generator().manual_seed(2018)
    fixture = {
        "sizes": {"batchSize": BATCH, "inputSize": INPUT, "hiddenSize": HIDDEN},
        "cases": [
            # The brief's case: both regimes of delta (|M| <= 2 until t = 3), cuts before t = 2, 5, 8.
            make_case(generator, {"topK": 2, "attendEvery": 2, "truncation": 3}, 10),
            # A memory every step, one kept of up to 8, cuts before t = 3, 7.
            make_case(generator, {"topK": 1, "attendEvery": 1, "truncation": 4}, 8),
            # The paper's MLP score (hidden width 4, not the hidden size 3, to tell W_q and W_m
            # from their transposes): both regimes of delta, a memory every step, cuts before
            # t = 2, 5, 8.
            make_case(
                generator,
                {"topK": 2, "attendEvery": 1, "truncation": 3, "scoring": "mlp", "attentionSize": 4},
                9,
            ),
        ],
    }
    OUT.write_text(json.dumps(fixture, separators=(",", ":")) + "\n")
    print(f"wrote {OUT} ({OUT.stat().st_size} bytes)")


if __name__ == "__main__":
    main()
