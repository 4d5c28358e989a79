"""Fixtures for the NTM memory (src/ntm-memory.ts): Graves et al. 2014, §3, in float64 PyTorch.

Written from the paper's equations (papers.md §4.4), slot by slot and head by head:

    w^c(i) = exp(beta K[k, M(i)]) / sum_j exp(beta K[k, M(j)])        content (eq. 5-6)
    w^g    = g w^c + (1 - g) w_prev                                     interpolation (eq. 7)
    w~(i)  = sum_j w^g(j) s((i - j) mod N)                              circular shift (eq. 8)
    w(i)   = w~(i)^gamma / sum_j w~(j)^gamma                            sharpening (eq. 9)
    M_t(i) = M_{t-1}(i) * (1 - w(i) e) + w(i) a                         write (eq. 3-4)
    r      = sum_i w(i) M_t(i)                                          read (eq. 2)

The shift distribution s is over the offsets -S..+S (S = shift_range), stored in that order,
and zero at every other offset mod N. Cosine similarity uses the package's documented epsilon:
each norm is sqrt(sum x^2 + 1e-6) and 1e-6 is added to the product of norms.

Run: cd packages/memory && /usr/bin/python3 scripts/make-ntm-fixtures.py
"""

import torch
import torch.nn.functional as F

from memory_fixture import make_fixture, rounded, write_fixture

COSINE_EPSILON = 1e-6

# (name, heads, width, activation) in the order of the flat control vector; widths use
# W = word size, S = shift width 2 * shift_range + 1; heads use R = number of read heads.
LAYOUT = [
    ("writeKey", "1", "W", "identity"),
    ("writeStrength", "1", "1", "softplus"),
    ("writeGate", "1", "1", "sigmoid"),
    ("writeShift", "1", "S", "softmax"),
    ("writeSharpening", "1", "1", "oneplus"),
    ("erase", "1", "W", "sigmoid"),
    ("add", "1", "W", "identity"),
    ("readKeys", "R", "W", "identity"),
    ("readStrengths", "R", "1", "softplus"),
    ("readGates", "R", "1", "sigmoid"),
    ("readShifts", "R", "S", "softmax"),
    ("readSharpening", "R", "1", "oneplus"),
]

ACTIVATIONS = {
    "identity": lambda x: x,
    "sigmoid": torch.sigmoid,
    "softplus": F.softplus,
    "oneplus": lambda x: 1 + F.softplus(x),
    "softmax": lambda x: torch.softmax(x, dim=-1),
}


def cosine(u, v):
    norm_u = torch.sqrt((u * u).sum() + COSINE_EPSILON)
    norm_v = torch.sqrt((v * v).sum() + COSINE_EPSILON)
    return (u * v).sum() / (norm_u * norm_v + COSINE_EPSILON)


class NtmReference:
    def __init__(self, memory_size, word_size, num_reads, shift_range):
        self.n, self.w, self.r, self.s = memory_size, word_size, num_reads, shift_range
        sizes = {"1": 1, "R": num_reads, "W": word_size, "S": 2 * shift_range + 1}
        self.segments = [(name, sizes[h], sizes[w], act) for name, h, w, act in LAYOUT]
        self.control_size = sum(h * w for _, h, w, _ in self.segments)
        self.read_size = num_reads * word_size

    def parse(self, flat):
        control, start = {}, 0
        for name, heads, width, activation in self.segments:
            part = flat[:, start : start + heads * width].reshape(-1, heads, width)
            control[name] = ACTIVATIONS[activation](part)
            start += heads * width
        return control

    def shift_weight(self, shift, offset):
        """s(offset mod N): the weight of the signed shift d with d = offset (mod N), |d| <= S."""
        for d in range(-self.s, self.s + 1):
            if d % self.n == offset:
                return shift[d + self.s]
        return torch.zeros((), dtype=torch.float64)

    def address(self, memory, previous, key, beta, gate, shift, gamma):
        """One head of one sequence: memory [N, W], previous [N], key [W], shift [2S + 1]."""
        n = self.n
        scores = torch.stack([beta * cosine(key, memory[i]) for i in range(n)])
        content = torch.exp(scores) / torch.exp(scores).sum()
        gated = gate * content + (1 - gate) * previous
        shifted = torch.stack(
            [
                sum(gated[j] * self.shift_weight(shift, (i - j) % n) for j in range(n))
                for i in range(n)
            ]
        )
        powered = shifted**gamma
        return powered / powered.sum()

    def write(self, state, control):
        memories, write_weights = [], []
        for b in range(state["memory"].shape[0]):
            memory = state["memory"][b]
            w = self.address(
                memory,
                state["writeWeights"][b, 0],
                control["writeKey"][b, 0],
                control["writeStrength"][b, 0, 0],
                control["writeGate"][b, 0, 0],
                control["writeShift"][b, 0],
                control["writeSharpening"][b, 0, 0],
            )
            erase, add = control["erase"][b, 0], control["add"][b, 0]
            rows = [memory[i] * (1 - w[i] * erase) + w[i] * add for i in range(self.n)]
            memories.append(torch.stack(rows))
            write_weights.append(w.unsqueeze(0))
        return {
            "memory": torch.stack(memories),
            "readWeights": state["readWeights"],
            "writeWeights": torch.stack(write_weights),
        }

    def read(self, state, control):
        reads, read_weights = [], []
        for b in range(state["memory"].shape[0]):
            memory, words, heads = state["memory"][b], [], []
            for h in range(self.r):
                w = self.address(
                    memory,
                    state["readWeights"][b, h],
                    control["readKeys"][b, h],
                    control["readStrengths"][b, h, 0],
                    control["readGates"][b, h, 0],
                    control["readShifts"][b, h],
                    control["readSharpening"][b, h, 0],
                )
                heads.append(w)
                words.append(sum(w[i] * memory[i] for i in range(self.n)))
            reads.append(torch.cat(words))
            read_weights.append(torch.stack(heads))
        state = {**state, "readWeights": torch.stack(read_weights)}
        return torch.stack(reads), state


def one_hot_first(batch, heads, n):
    weights = torch.zeros(batch, heads, n, dtype=torch.float64)
    weights[:, :, 0] = 1
    return weights


def make_case(config, seed, steps=4, batch=2, control_scale=2.0):
    generator = torch.Generator().manual_seed(seed)
    reference = NtmReference(**config)
    n, w, r = config["memory_size"], config["word_size"], config["num_reads"]
    # A random memory (so its gradient is informative) and the heads at slot 0, as in
    # initialState; the batch's second sequence starts its read heads elsewhere.
    read_weights = one_hot_first(batch, r, n)
    read_weights[1] = torch.softmax(rounded(generator, r, n, scale=1.0), dim=-1)
    initial_state = {
        "memory": rounded(generator, batch, n, w, scale=0.8),
        "readWeights": read_weights,
        "writeWeights": one_hot_first(batch, 1, n),
    }
    fixture = make_fixture(
        reference,
        initial_state,
        steps,
        control_scale,
        generator,
        grad_state=("memory", "readWeights", "writeWeights"),
    )
    camel = {
        "memorySize": n,
        "wordSize": w,
        "numReads": r,
        "shiftRange": config["shift_range"],
    }
    return {"config": camel, **fixture}


def main():
    cases = [
        make_case({"memory_size": 5, "word_size": 3, "num_reads": 2, "shift_range": 1}, seed=1),
        make_case({"memory_size": 5, "word_size": 3, "num_reads": 1, "shift_range": 2}, seed=2),
    ]
    write_fixture("ntm", {"cases": cases})


if __name__ == "__main__":
    main()
