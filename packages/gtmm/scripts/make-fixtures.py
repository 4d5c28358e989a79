#!/usr/bin/env python3
"""PyTorch reference fixtures for createGtmm (@bayesrnn/gtmm).

How to run (from packages/gtmm; Debian's python3 with python3-torch):

    /usr/bin/python3 scripts/make-fixtures.py

Writes src/__fixtures__/gtmm.json, read by gtmm-model.test.ts. Deterministic (fixed seed).

The model, written here from Gemici et al. 2017 (papers.md §4.1-4.4) in float64, frame by
frame, with nothing of the TypeScript package:

    Psi_{t-1} = [h_{t-1}; r_{t-1}]                 (h_0 = 0, r_0 = 0; VRNN: Psi = h)
    prior     = N(mu_p, sd_p)  from  tanh(Psi W + b) W' + b'     sd = softplus(.) + 1e-3
    posterior = N(mu_q, sd_q)  from  tanh([Psi; relu(x_t We + be)] W + b) W' + b'
    z_t       = mu_q + sd_q * eps_t
    nll_t     = -log Bernoulli(x_t | relu(z_t Wd + bd) Wo + bo)
    kl_t      = KL[posterior || prior]  (closed form)
    (h_t, c_t) = LSTM([z_t; r_{t-1}], (h_{t-1}, c_{t-1}))   gates i, f, g, o; kernel over [input; h]
    introspective memory (latentWrite): control = [z_t; [h_t; z_t] Wi + bi]
        = [write word (Z) | attention logits (R x L) | gate logits (R)]
        M_t = [z_t; M_{t-1}[0 .. L-2]];  r_t = concat_r sigmoid(g_r) * sum_i softmax(a_r)_i M_t[i]

Cases: "vrnn" (no memory) and "introspective" (L = 3 slots, R = 2 heads). Weights are 4-decimal
numbers stored exactly; outputs and gradients (d loss / d every weight, loss = sum(nll + kl))
are rounded to 8 significant digits. TypeScript compares with TOLERANCES.reference.
"""

import json
import pathlib
import sys

import torch

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[3] / "scripts"))
from fixture_encoding import encode, rounded  # noqa: E402  (the repository's shared helpers)

OUT = pathlib.Path(__file__).resolve().parent.parent / "src" / "__fixtures__" / "gtmm.json"
BATCH, STEPS, FRAME, LATENT, HIDDEN, MLP = 2, 4, 5, 2, 3, 4
SLOTS, READS = 3, 2


def gaussian(out):
    mean, raw = out.chunk(2, dim=1)
    return mean, torch.nn.functional.softplus(raw) + 1e-3


def kl_divergence(mq, sq, mp, sp):
    return (torch.log(sp) - torch.log(sq) + (sq**2 + (mq - mp) ** 2) / (2 * sp**2) - 0.5).sum(1)


def bernoulli_nll(logits, x):
    p = torch.sigmoid(logits)
    return -(x * torch.log(p) + (1 - x) * torch.log(1 - p)).sum(1)


def lstm(w, x, h, c):
    gates = torch.cat([x, h], 1) @ w["controller/kernel"] + w["controller/bias"]
    i, f, g, o = gates.chunk(4, dim=1)
    c = torch.sigmoid(f) * c + torch.sigmoid(i) * torch.tanh(g)
    return torch.sigmoid(o) * torch.tanh(c), c


def layer(w, name, x):
    return x @ w[f"{name}/kernel"] + w[f"{name}/bias"]


def introspective(memory, control):
    word = control[:, :LATENT]
    attention = torch.softmax(control[:, LATENT : LATENT + READS * SLOTS].reshape(-1, READS, SLOTS), -1)
    gates = torch.sigmoid(control[:, LATENT + READS * SLOTS :])
    memory = torch.stack([word] + [memory[:, i] for i in range(SLOTS - 1)], 1)
    reads = []
    for r in range(READS):
        read = sum(attention[:, r, i : i + 1] * memory[:, i] for i in range(SLOTS))
        reads.append(gates[:, r : r + 1] * read)
    return memory, torch.cat(reads, 1)


def run(w, frames, noise, with_memory):
    read_size = READS * LATENT if with_memory else 0
    h = torch.zeros(BATCH, HIDDEN, dtype=torch.float64)
    c = torch.zeros_like(h)
    read = torch.zeros(BATCH, read_size, dtype=torch.float64)
    memory = torch.zeros(BATCH, SLOTS, LATENT, dtype=torch.float64)
    nll, kl = [], []
    for t in range(STEPS):
        x = frames[:, t]
        psi = torch.cat([h, read], 1)
        mp, sp = gaussian(layer(w, "prior/out", torch.tanh(layer(w, "prior/hidden", psi))))
        code = torch.relu(layer(w, "encoder", x))
        post_in = torch.cat([psi, code], 1)
        mq, sq = gaussian(layer(w, "posterior/out", torch.tanh(layer(w, "posterior/hidden", post_in))))
        z = mq + sq * noise[t]
        logits = layer(w, "decoder/out", torch.relu(layer(w, "decoder/hidden", z)))
        nll.append(bernoulli_nll(logits, x))
        kl.append(kl_divergence(mq, sq, mp, sp))
        h, c = lstm(w, torch.cat([z, read], 1), h, c)
        if with_memory:
            control = torch.cat([z, layer(w, "interface", torch.cat([h, z], 1))], 1)
            memory, read = introspective(memory, control)
    return torch.stack(nll, 1), torch.stack(kl, 1)


def shapes(with_memory):
    read_size = READS * LATENT if with_memory else 0
    context = HIDDEN + read_size
    dense = {
        "encoder": (FRAME, MLP),
        "prior/hidden": (context, MLP),
        "prior/out": (MLP, 2 * LATENT),
        "posterior/hidden": (context + MLP, MLP),
        "posterior/out": (MLP, 2 * LATENT),
        "decoder/hidden": (LATENT, MLP),
        "decoder/out": (MLP, FRAME),
    }
    if with_memory:
        dense["interface"] = (HIDDEN + LATENT, READS * SLOTS + READS)
    result = {}
    for name, (n_in, n_out) in dense.items():
        result[f"{name}/kernel"] = (n_in, n_out)
        result[f"{name}/bias"] = (n_out,)
    result["controller/kernel"] = (LATENT + read_size + HIDDEN, 4 * HIDDEN)
    result["controller/bias"] = (4 * HIDDEN,)
    return result


def make_case(generator, with_memory):
    weights = {n: rounded(generator, *s, scale=0.8).requires_grad_() for n, s in shapes(with_memory).items()}
    frames = (torch.rand(BATCH, STEPS, FRAME, generator=generator) < 0.5).double()
    noise = rounded(generator, STEPS, BATCH, LATENT, scale=1.5)
    nll, kl = run(weights, frames, noise, with_memory)
    loss = (nll + kl).sum()
    loss.backward()
    return {
        "weights": {n: encode(w) for n, w in weights.items()},
        "frames": encode(frames),
        "noise": encode(noise),
        "nll": encode(nll, 8),
        "kl": encode(kl, 8),
        "loss": float(f"{loss.item():.8g}"),
        "gradients": {n: encode(w.grad, 8) for n, w in weights.items()},
    }


def main():
    generator = torch.Generator().manual_seed(2017)
    fixture = {
        "sizes": {
            "batchSize": BATCH, "steps": STEPS, "frameSize": FRAME, "latentSize": LATENT,
            "hiddenSize": HIDDEN, "mlpSize": MLP, "slots": SLOTS, "numReads": READS,
        },
        "vrnn": make_case(generator, False),
        "introspective": make_case(generator, True),
    }
    OUT.write_text(json.dumps(fixture, separators=(",", ":")) + "\n")
    print(f"wrote {OUT} ({OUT.stat().st_size} bytes)")


if __name__ == "__main__":
    main()
