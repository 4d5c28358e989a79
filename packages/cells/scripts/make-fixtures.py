#!/usr/bin/env python3
"""Independent PyTorch reference fixtures for the LSTM and GRU cells of @bayesrnn/cells.

How to run (from packages/cells):

    apt-get install -y python3-torch libopenblas0-pthread   # Debian's PyTorch (1.13 here)
    /usr/bin/python3 scripts/make-fixtures.py               # Debian's python3, which has torch

What it produces: src/__fixtures__/lstm.json and src/__fixtures__/gru.json (a few KB each),
read by lstm-cell.test.ts and gru-cell.test.ts. It is deterministic (fixed torch seed), so
re-running it reproduces the same files.

How: torch.nn.LSTMCell / torch.nn.GRUCell (PyTorch's own equations, nothing of ours) run in
float64 for 3 time steps on batch 3, input 4, hidden 5, from a random non-zero initial state.
The loss is sum_t sum(h_t * R_t) for a fixed random R. PyTorch's parameters are then mapped to
our fused layout, and so are their gradients:

  LSTM  kernel = [W_ih; W_hh]^T  [4+5, 4*5], gate blocks i, f, g, o   bias = b_ih + b_hh
  GRU   gateKernel = [W_ih[r,z]; W_hh[r,z]]^T  [4+5, 2*5]              gateBias = b_i[r,z] + b_h[r,z]
        candidateInputKernel = W_in^T  candidateRecurrentKernel = W_hn^T
        candidateInputBias = b_in      candidateRecurrentBias = b_hn

Since our bias is the sum b_ih + b_hh, d loss / d bias = d loss / d b_ih (= d loss / d b_hh).

Numbers: every input (weights, x, initial state, R) is a 4-decimal number, given exactly in the
JSON; the reference is computed from those values in float64; outputs, the loss and gradients
are stored rounded to 8 significant digits. The TypeScript tests compute in float32 and compare
with TOLERANCES.reference (rtol 1e-4, atol 1e-5), far above both roundings.

Tensor layout in the JSON: {"shape": [...], "data": [row-major numbers]}; per-step tensors
(inputs, outputs, R) are stacked on a leading steps axis: [steps, batchSize, size].
"""

import json
import pathlib

import torch

BATCH, INPUT, HIDDEN, STEPS = 3, 4, 5, 3
OUT_DIR = pathlib.Path(__file__).resolve().parent.parent / "src" / "__fixtures__"


def rounded(generator, *shape, scale=0.5):
    """Uniform in [-scale, scale], rounded to 4 decimals (exact in the JSON)."""
    values = torch.rand(*shape, generator=generator, dtype=torch.float64) * 2 * scale - scale
    return torch.round(values * 1e4) / 1e4


def encode(tensor, digits=10):
    """Row-major numbers to `digits` significant digits (10 prints the 4-decimal inputs, and
    sums of two of them such as b_ih + b_hh, exactly, without float64 noise)."""
    values = [float(f"{v:.{digits}g}") for v in tensor.detach().reshape(-1).tolist()]
    return {"shape": list(tensor.shape), "data": values}


def run_cell(cell, inputs, state, weights_for_loss):
    """Unrolls `cell`; returns per-step outputs and the loss sum_t sum(h_t * R_t)."""
    hs, cs = [], []
    for step in range(STEPS):
        state = cell(inputs[step], state)
        h = state[0] if isinstance(state, tuple) else state
        hs.append(h)
        if isinstance(state, tuple):
            cs.append(state[1])
    loss = sum((h * weights_for_loss[step]).sum() for step, h in enumerate(hs))
    return hs, cs, loss


def set_parameters(cell, generator):
    with torch.no_grad():
        for parameter in (cell.weight_ih, cell.weight_hh, cell.bias_ih, cell.bias_hh):
            parameter.copy_(rounded(generator, *parameter.shape))


def make_lstm(generator):
    cell = torch.nn.LSTMCell(INPUT, HIDDEN).double()
    set_parameters(cell, generator)
    inputs = rounded(generator, STEPS, BATCH, INPUT, scale=1.0).requires_grad_()
    h0 = rounded(generator, BATCH, HIDDEN).requires_grad_()
    c0 = rounded(generator, BATCH, HIDDEN).requires_grad_()
    loss_weights = rounded(generator, STEPS, BATCH, HIDDEN, scale=1.0)
    hs, cs, loss = run_cell(cell, inputs, (h0, c0), loss_weights)
    loss.backward()
    kernel = torch.cat([cell.weight_ih.T, cell.weight_hh.T], 0)
    kernel_grad = torch.cat([cell.weight_ih.grad.T, cell.weight_hh.grad.T], 0)
    return {
        "weights": {"kernel": encode(kernel), "bias": encode(cell.bias_ih + cell.bias_hh)},
        "inputs": encode(inputs),
        "initialState": {"h": encode(h0), "c": encode(c0)},
        "lossWeights": encode(loss_weights),
        "outputs": {"h": encode(torch.stack(hs), 8), "c": encode(torch.stack(cs), 8)},
        "loss": float(f"{loss.item():.8g}"),
        "gradients": {
            "kernel": encode(kernel_grad, 8),
            "bias": encode(cell.bias_ih.grad, 8),
            "inputs": encode(inputs.grad, 8),
            "h0": encode(h0.grad, 8),
            "c0": encode(c0.grad, 8),
        },
    }


def gru_layout(w_ih, w_hh, b_ih, b_hh):
    """PyTorch's [r; z; n] row blocks → our named GRU weights."""
    gates, candidate = slice(0, 2 * HIDDEN), slice(2 * HIDDEN, 3 * HIDDEN)
    return {
        "gateKernel": torch.cat([w_ih[gates].T, w_hh[gates].T], 0),
        "gateBias": b_ih[gates] + b_hh[gates],
        "candidateInputKernel": w_ih[candidate].T,
        "candidateRecurrentKernel": w_hh[candidate].T,
        "candidateInputBias": b_ih[candidate],
        "candidateRecurrentBias": b_hh[candidate],
    }


def gru_gradients(cell):
    """PyTorch's parameter gradients → gradients of our named GRU weights."""
    gates, candidate = slice(0, 2 * HIDDEN), slice(2 * HIDDEN, 3 * HIDDEN)
    w_ih, w_hh = cell.weight_ih.grad, cell.weight_hh.grad
    return {
        "gateKernel": torch.cat([w_ih[gates].T, w_hh[gates].T], 0),
        # gateBias = b_ih + b_hh: its gradient equals either one's.
        "gateBias": cell.bias_ih.grad[gates],
        "candidateInputKernel": w_ih[candidate].T,
        "candidateRecurrentKernel": w_hh[candidate].T,
        "candidateInputBias": cell.bias_ih.grad[candidate],
        "candidateRecurrentBias": cell.bias_hh.grad[candidate],
    }


def make_gru(generator):
    cell = torch.nn.GRUCell(INPUT, HIDDEN).double()
    set_parameters(cell, generator)
    inputs = rounded(generator, STEPS, BATCH, INPUT, scale=1.0).requires_grad_()
    h0 = rounded(generator, BATCH, HIDDEN).requires_grad_()
    loss_weights = rounded(generator, STEPS, BATCH, HIDDEN, scale=1.0)
    hs, _, loss = run_cell(cell, inputs, h0, loss_weights)
    loss.backward()
    weights = gru_layout(cell.weight_ih, cell.weight_hh, cell.bias_ih, cell.bias_hh)
    return {
        "weights": {name: encode(value) for name, value in weights.items()},
        "inputs": encode(inputs),
        "initialState": {"h": encode(h0)},
        "lossWeights": encode(loss_weights),
        "outputs": {"h": encode(torch.stack(hs), 8)},
        "loss": float(f"{loss.item():.8g}"),
        "gradients": {
            **{name: encode(value, 8) for name, value in gru_gradients(cell).items()},
            "inputs": encode(inputs.grad, 8),
            "h0": encode(h0.grad, 8),
        },
    }


def write(name, body):
    header = {
        "about": f"torch.nn.{name} reference (float64, torch {torch.__version__}); made by scripts/make-fixtures.py",
        "sizes": {"batchSize": BATCH, "inputSize": INPUT, "hiddenSize": HIDDEN, "steps": STEPS},
    }
    path = OUT_DIR / f"{name.replace('Cell', '').lower()}.json"
    path.write_text(json.dumps({**header, **body}, separators=(",", ":")) + "\n")
    print(f"wrote {path} ({path.stat().st_size} bytes)")


def main():
    OUT_DIR.mkdir(parents=True, exist_ok=True)
    generator = torch.Generator().manual_seed(20160512)
    write("LSTMCell", make_lstm(generator))
    write("GRUCell", make_gru(generator))


if __name__ == "__main__":
    main()
