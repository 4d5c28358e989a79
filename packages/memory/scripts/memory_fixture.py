"""Shared driver for the memory fixtures of @bayesrnn/memory (imported by make-*-fixtures.py).

Each fixture script writes its memory's equations from the papers in PyTorch (float64), with
nothing of the TypeScript package, and hands them to `make_fixture`, which unrolls the memory
over a few steps on random control vectors and stores what the TypeScript tests compare with.

The contract mirrors @bayesrnn/spec's `Memory`: at each step the memory is written, then read:

    control = parse(flat_t)                 # the memory's named, squashed controls
    state   = write(state, control)
    read_t, state = read(state, control)    # read_t: [batch, read_size]

The loss is sum_t sum(read_t * R_t) for a fixed random R; gradients are taken with respect to
the flat controls and the initial-state entries named in `grad_state`.

Numbers: inputs (controls, initial state, R) are 4-decimal numbers stored exactly; outputs,
the loss and the gradients are rounded to 8 significant digits. The TypeScript tests compute in
float32 and compare with TOLERANCES.reference (rtol 1e-4, atol 1e-5).
JSON tensors are {"shape": [...], "data": [row-major numbers]}.
"""

import json
import pathlib
import sys

import torch

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[3] / "scripts"))
from fixture_encoding import encode, rounded  # noqa: E402  (the repository's shared helpers)

FIXTURE_DIR = pathlib.Path(__file__).resolve().parent.parent / "src" / "__fixtures__"


def make_fixture(memory, initial_state, steps, control_scale, generator, grad_state=()):
    """Unrolls `memory` (an object with control_size, read_size, parse, write, read) from
    `initial_state` (a dict of float64 tensors) over `steps` random control vectors."""
    batch = next(iter(initial_state.values())).shape[0]
    controls = rounded(generator, steps, batch, memory.control_size, scale=control_scale)
    controls.requires_grad_()
    state = {name: value.clone() for name, value in initial_state.items()}
    for name in grad_state:
        state[name].requires_grad_()
    leaves = {name: state[name] for name in grad_state}
    loss_weights = rounded(generator, steps, batch, memory.read_size, scale=1.0)
    reads = []
    for step in range(steps):
        control = memory.parse(controls[step])
        state = memory.write(state, control)
        read, state = memory.read(state, control)
        reads.append(read)
    reads = torch.stack(reads)
    loss = (reads * loss_weights).sum()
    loss.backward()
    gradients = {"controls": encode(controls.grad, 8)}
    gradients.update({name: encode(leaf.grad, 8) for name, leaf in leaves.items()})
    return {
        "controls": encode(controls),
        "initialState": {name: encode(value) for name, value in initial_state.items()},
        "lossWeights": encode(loss_weights),
        "reads": encode(reads, 8),
        "finalState": {name: encode(value, 8) for name, value in state.items()},
        "loss": float(f"{loss.item():.8g}"),
        "gradients": gradients,
    }


def write_fixture(name, fixture):
    path = FIXTURE_DIR / f"{name}.json"
    path.write_text(json.dumps(fixture, separators=(",", ":")) + "\n")
    print(f"wrote {path} ({path.stat().st_size} bytes)")
