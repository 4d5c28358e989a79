#!/usr/bin/env python3
"""PyTorch (CPU, or a CUDA GPU with --device cuda): the PTB-small LM step of the TypeScript contenders.

Embedding -> num_layers x LSTM -> linear softmax (or, with --model bbb, the same with Bayes by
Backprop: bbb_model.py), cross-entropy summed over the window's steps
and averaged over the batch (Zaremba's scale, as ours), global-norm clipping at 5, Adam
(lr 1e-3), the state carried from window to window (detached), synthetic token ids from a fixed
seed.

Standalone (default): warm-up, then timed steps; prints ONE JSON line with the median step
time, tokens/s, peak RSS, the torch version, thread count and which BLAS was used.

Serve mode (--serve), used by `npm run bench` to interleave PyTorch with the JS contenders:
prints {"event": "ready", ...} once the model is built, then for every stdin line `step` runs
one step and prints {"event": "step", "seconds": ...}; on `done` prints the summary line
({"event": "summary", ...}) and exits.
"""

import argparse
import ctypes
import json
import os
import re
import resource
import statistics
import subprocess
import sys
import time

import torch
from torch import nn

from bbb_model import BayesianLanguageModel

TRAINING_WINDOWS = 8
CLIP_NORM = 5.0


class LanguageModel(nn.Module):
    def __init__(self, vocab, embedding, hidden, layers):
        super().__init__()
        self.embedding = nn.Embedding(vocab, embedding)
        self.lstm = nn.LSTM(embedding, hidden, num_layers=layers, batch_first=True)
        self.softmax = nn.Linear(hidden, vocab)

    def forward(self, inputs, state):
        outputs, state = self.lstm(self.embedding(inputs), state)
        return self.softmax(outputs), state


def parse_args(argv):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--vocab", type=int, default=10_000)
    parser.add_argument("--embedding", type=int, default=200)
    parser.add_argument("--hidden", type=int, default=200)
    parser.add_argument("--layers", type=int, default=2)
    parser.add_argument("--batch", type=int, default=20)
    parser.add_argument("--steps", type=int, default=20)
    parser.add_argument("--seed", type=int, default=1)
    # plain: nn.LSTM with point weights; bbb: Bayes by Backprop (bbb_model.py).
    parser.add_argument("--model", choices=("plain", "bbb"), default="plain")
    # Default: torch's own choice (Debian's build picks 1 here; 2 OpenMP threads beside
    # OpenBLAS's own pthreads oversubscribe a 2-core machine and run ~10x slower).
    parser.add_argument("--threads", type=int, default=None)
    # cpu, or cuda for the GPU anchor (a step then ends with the loss read back, which waits
    # for the device's queue: the step's time is its real time).
    parser.add_argument("--device", default="cpu")
    parser.add_argument("--warmup", type=int, default=2)
    parser.add_argument("--repetitions", type=int, default=10)
    parser.add_argument("--serve", action="store_true")
    return parser.parse_args(argv)


def blas_in_use():
    """Which BLAS this process really loaded, how torch was built, and the system alternative."""
    torch.mm(torch.ones(64, 64), torch.ones(64, 64))  # make sure the BLAS is loaded
    with open("/proc/self/maps", encoding="utf-8") as maps:
        libraries = sorted(
            {line.split()[-1] for line in maps if re.search(r"blas|mkl", line, re.IGNORECASE)}
        )
    config = torch.__config__.show()
    build = re.search(r"BLAS_INFO=([^,\s]+)", config)
    try:
        alternative = subprocess.run(
            ["update-alternatives", "--display", "libblas.so.3-x86_64-linux-gnu"],
            capture_output=True,
            text=True,
            check=False,
        ).stdout
        current = re.search(r"link currently points to (\S+)", alternative)
        selected = current.group(1) if current else None
    except OSError:
        selected = None
    names = " ".join(libraries + [selected or ""]).lower()
    if "openblas" in names:
        kind = "OpenBLAS"
    elif "mkl" in names:
        kind = "MKL"
    elif "blas" in names:
        kind = "reference BLAS (slow: install and select libopenblas0-pthread)"
    else:
        kind = "unknown"
    return {
        "kind": kind,
        "openblasThreads": openblas_threads(libraries),
        "loadedLibraries": libraries,
        "alternative": selected,
        "buildBlasInfo": build.group(1) if build else None,
        "mkl": torch.backends.mkl.is_available(),
    }


def openblas_threads(libraries):
    """OpenBLAS's own thread count (it threads independently of torch), or None."""
    for library in libraries:
        if "openblas" not in library:
            continue
        try:
            return ctypes.CDLL(library).openblas_get_num_threads()
        except (OSError, AttributeError):
            continue
    return None


def make_windows(args):
    generator = torch.Generator().manual_seed(args.seed)
    windows = []
    for _ in range(TRAINING_WINDOWS):
        stream = torch.randint(0, args.vocab, (args.batch, args.steps + 1), generator=generator)
        pair = (stream[:, :-1].contiguous(), stream[:, 1:].contiguous())
        windows.append(tuple(tensor.to(args.device) for tensor in pair))
    return windows


def device_name(device):
    """The GPU's name for a CUDA device (e.g. 'NVIDIA H200'), else 'cpu'."""
    return torch.cuda.get_device_name(device) if device.type == "cuda" else "cpu"


class Trainer:
    def __init__(self, args):
        torch.manual_seed(args.seed)
        self.args = args
        sizes = (args.vocab, args.embedding, args.hidden, args.layers)
        if args.model == "bbb":
            self.model = BayesianLanguageModel(*sizes)
        else:
            self.model = LanguageModel(*sizes)
            for parameter in self.model.parameters():
                nn.init.uniform_(parameter, -0.1, 0.1)
        self.model.to(args.device)
        self.optimizer = torch.optim.Adam(self.model.parameters(), lr=1e-3)
        self.windows = make_windows(args)
        shape = (args.layers, args.batch, args.hidden)
        self.state = (torch.zeros(shape, device=args.device), torch.zeros(shape, device=args.device))
        self.count = 0

    def step(self):
        """One full step; returns its wall time in seconds (loss.item() finishes the work)."""
        started = time.perf_counter()
        inputs, targets = self.windows[self.count % len(self.windows)]
        self.count += 1
        self.optimizer.zero_grad(set_to_none=True)
        if self.args.model == "bbb":
            thetas, kl = self.model.draw()
            logits, state = self.model(inputs, self.state, thetas)
        else:
            kl = None
            logits, state = self.model(inputs, self.state)
        nll = nn.functional.cross_entropy(logits.reshape(-1, self.args.vocab), targets.reshape(-1))
        loss = nll * self.args.steps
        if kl is not None:
            # KL / (C B): batch x windows per epoch, as ours (language-model-task.ts).
            loss = loss + kl / (self.args.batch * TRAINING_WINDOWS)
        loss.backward()
        nn.utils.clip_grad_norm_(self.model.parameters(), CLIP_NORM)
        self.optimizer.step()
        self.state = tuple(tensor.detach() for tensor in state)
        if not torch.isfinite(loss).item():
            raise RuntimeError(f"step {self.count}: loss not finite")
        return time.perf_counter() - started


def summary(args, seconds, blas):
    tokens = args.batch * args.steps
    middle = statistics.median(seconds)
    return {
        "event": "summary",
        "medianStepSeconds": middle,
        "minStepSeconds": min(seconds),
        "maxStepSeconds": max(seconds),
        "repetitions": len(seconds),
        "tokensPerStep": tokens,
        "tokensPerSecond": tokens / middle,
        # ru_maxrss is in KiB on Linux.
        "peakRssBytes": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024,
        "torchVersion": torch.__version__,
        "threads": torch.get_num_threads(),
        "interopThreads": torch.get_num_interop_threads(),
        "blas": blas,
        "python": sys.version.split()[0],
        "device": device_name(torch.device(args.device)),
    }


def emit(record):
    print(json.dumps(record), flush=True)


def serve(trainer, args, blas):
    emit(
        {
            "event": "ready",
            "torchVersion": torch.__version__,
            "threads": torch.get_num_threads(),
            "device": device_name(torch.device(args.device)),
        }
    )
    seconds = []
    for line in sys.stdin:
        command = line.strip()
        if command == "step":
            seconds.append(trainer.step())
            emit({"event": "step", "seconds": seconds[-1]})
        elif command == "done":
            break
        elif command:
            emit({"event": "error", "message": f"unknown command {command!r}"})
    # The first requests are the harness's warm-up; the summary's own figures use them all.
    emit(summary(args, seconds or [float("nan")], blas))


def main(argv):
    args = parse_args(argv)
    if args.threads is not None:
        torch.set_num_threads(args.threads)
    blas = blas_in_use()
    trainer = Trainer(args)
    if args.serve:
        serve(trainer, args, blas)
        return
    for _ in range(args.warmup):
        trainer.step()
    emit(summary(args, [trainer.step() for _ in range(args.repetitions)], blas))


if __name__ == "__main__":
    main(sys.argv[1:])
