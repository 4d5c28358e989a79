"""Fixture for the DNC memory (src/dnc-memory.ts): Graves et al. 2016, Methods (papers.md §4.4).

An independent float64 PyTorch reference, written per sequence and per slot as the paper states
the equations, with the allocation's usage floor u' = eps + (1 - eps) u of DeepMind's
implementation (eps = 1e-6). Run: cd packages/memory && /usr/bin/python3 scripts/make-dnc-fixtures.py
"""

import torch

from memory_fixture import make_fixture, rounded, write_fixture

EPSILON = 1e-6  # allocation floor and cosine epsilon (DeepMind's DNC)
BATCH, MEMORY_SIZE, WORD_SIZE, NUM_READS, STEPS = 2, 5, 3, 2, 4


def oneplus(x):
    return 1 + torch.nn.functional.softplus(x)


def identity(x):
    return x


def softmax_last(x):
    return torch.softmax(x, dim=-1)


def layout(word_size, num_reads):
    """The interface vector, in Graves et al.'s order: (name, heads, width, activation)."""
    r, w = num_reads, word_size
    return [
        ("readKeys", r, w, identity),
        ("readStrengths", r, 1, oneplus),
        ("writeKey", 1, w, identity),
        ("writeStrength", 1, 1, oneplus),
        ("eraseVector", 1, w, torch.sigmoid),
        ("writeVector", 1, w, identity),
        ("freeGates", r, 1, torch.sigmoid),
        ("allocationGate", 1, 1, torch.sigmoid),
        ("writeGate", 1, 1, torch.sigmoid),
        ("readModes", r, 3, softmax_last),  # pi = [backward, content, forward]
    ]


def content_weighting(memory, key, strength):
    """C(M, k, beta)[i] = softmax_i(beta * cos(k, M[i])), eps inside the norms and the ratio."""
    scores = []
    for row in memory:
        norms = torch.sqrt((key * key).sum() + EPSILON) * torch.sqrt((row * row).sum() + EPSILON)
        scores.append(strength * (key * row).sum() / (norms + EPSILON))
    return torch.softmax(torch.stack(scores), dim=0)


class DncReference:
    def __init__(self, memory_size, word_size, num_reads):
        self.n, self.w, self.r = memory_size, word_size, num_reads
        self.layout = layout(word_size, num_reads)
        self.control_size = sum(heads * width for _, heads, width, _ in self.layout)
        self.read_size = num_reads * word_size
        self.min_usage_gap = float("inf")  # how close the sort came to a tie

    def parse(self, flat):
        control, offset = {}, 0
        for name, heads, width, activation in self.layout:
            part = flat[:, offset : offset + heads * width].reshape(flat.shape[0], heads, width)
            control[name] = activation(part)
            offset += heads * width
        return control

    def allocation(self, usage):
        """a[phi_j] = (1 - u[phi_j]) prod_{i<j} u[phi_i], phi = slots by ascending usage."""
        floored = EPSILON + (1 - EPSILON) * usage
        values = floored.tolist()
        free_list = sorted(range(self.n), key=lambda slot: (values[slot], slot))
        gaps = [values[b] - values[a] for a, b in zip(free_list, free_list[1:])]
        self.min_usage_gap = min([self.min_usage_gap, *gaps])
        weights, product = [None] * self.n, torch.ones((), dtype=torch.float64)
        for slot in free_list:
            weights[slot] = (1 - floored[slot]) * product
            product = product * floored[slot]
        return torch.stack(weights)

    def write_one(self, s, c):
        """One sequence's write: s holds its state, c its controls."""
        retention = torch.ones(self.n, dtype=torch.float64)
        for head in range(self.r):
            retention = retention * (1 - c["freeGates"][head, 0] * s["readWeights"][head])
        prev_write = s["writeWeights"]
        usage = (s["usage"] + prev_write - s["usage"] * prev_write) * retention
        allocation = self.allocation(usage)
        content = content_weighting(s["memory"], c["writeKey"][0], c["writeStrength"][0, 0])
        g_a, g_w = c["allocationGate"][0, 0], c["writeGate"][0, 0]
        write = g_w * (g_a * allocation + (1 - g_a) * content)
        erase, vector = c["eraseVector"][0], c["writeVector"][0]
        rows = [s["memory"][i] * (1 - write[i] * erase) + write[i] * vector for i in range(self.n)]
        zero = torch.zeros((), dtype=torch.float64)
        link = [
            [
                zero
                if i == j
                else (1 - write[i] - write[j]) * s["link"][i, j] + write[i] * s["precedence"][j]
                for j in range(self.n)
            ]
            for i in range(self.n)
        ]
        return {
            "memory": torch.stack(rows),
            "usage": usage,
            "link": torch.stack([torch.stack(row) for row in link]),
            "precedence": (1 - write.sum()) * s["precedence"] + write,
            "readWeights": s["readWeights"],
            "writeWeights": write,
        }

    def read_one(self, s, c):
        weights, words = [], []
        for head in range(self.r):
            previous = s["readWeights"][head]
            forward = s["link"] @ previous  # f = L w
            backward = s["link"].T @ previous  # b = L^T w
            key, strength = c["readKeys"][head], c["readStrengths"][head, 0]
            content = content_weighting(s["memory"], key, strength)
            modes = c["readModes"][head]
            weight = modes[0] * backward + modes[1] * content + modes[2] * forward
            weights.append(weight)
            words.append(s["memory"].T @ weight)
        return torch.cat(words), {**s, "readWeights": torch.stack(weights)}

    def write(self, state, control):
        return self._per_sequence(state, control, self.write_one)

    def read(self, state, control):
        batch = next(iter(state.values())).shape[0]
        results = [self.read_one(*self._slice(state, control, b)) for b in range(batch)]
        reads = torch.stack([read for read, _ in results])
        return reads, self._stack([new for _, new in results])

    def _per_sequence(self, state, control, step):
        batch = next(iter(state.values())).shape[0]
        return self._stack([step(*self._slice(state, control, b)) for b in range(batch)])

    @staticmethod
    def _slice(state, control, b):
        return {k: v[b] for k, v in state.items()}, {k: v[b] for k, v in control.items()}

    @staticmethod
    def _stack(states):
        return {name: torch.stack([s[name] for s in states]) for name in states[0]}


def floor4(x):
    return torch.floor(x * 1e4) / 1e4


def sub_stochastic(generator, *shape, total_low=0.5, total_high=0.95):
    """Non-negative rows summing to at most total_high (floored to 4 decimals)."""
    raw = rounded(generator, *shape, low=0.0, scale=1.0) + 0.05
    totals = rounded(generator, *shape[:-1], 1, low=total_low, scale=total_high)
    return floor4(raw / raw.sum(-1, keepdim=True) * totals)


def initial_state(generator):
    b, n, w, r = BATCH, MEMORY_SIZE, WORD_SIZE, NUM_READS
    # Distinct usages: slot k gets (rank + 0.1 + 0.8 U) / n, at least 0.2 / n apart.
    ranks = torch.stack([torch.randperm(n, generator=generator) for _ in range(b)])
    jitter = rounded(generator, b, n, low=0.0, scale=1.0)
    usage = floor4((ranks.double() + 0.1 + 0.8 * jitter) / n)
    link = rounded(generator, b, n, n, low=0.0, scale=1.0) * (1 - torch.eye(n, dtype=torch.float64))
    sums = torch.maximum(link.sum(2).amax(1), link.sum(1).amax(1))
    link = floor4(link / (1.1 * sums[:, None, None]))  # rows and columns sum to < 1
    return {
        "memory": rounded(generator, b, n, w, scale=1.0),
        "usage": usage,
        "link": link,
        "precedence": sub_stochastic(generator, b, n),
        "readWeights": sub_stochastic(generator, b, r, n),
        "writeWeights": sub_stochastic(generator, b, n),
    }


def main():
    generator = torch.Generator().manual_seed(2016)
    reference = DncReference(MEMORY_SIZE, WORD_SIZE, NUM_READS)
    state = initial_state(generator)
    names = ("memory", "usage", "link", "precedence", "readWeights", "writeWeights")
    fixture = make_fixture(reference, state, STEPS, 2.0, generator, grad_state=names)
    # A near tie would make the float32 sort disagree with this one.
    assert reference.min_usage_gap > 1e-3, reference.min_usage_gap
    print(f"smallest gap between sorted usages: {reference.min_usage_gap:.4g}")
    sizes = {"batchSize": BATCH, "memorySize": MEMORY_SIZE, "wordSize": WORD_SIZE}
    write_fixture("dnc", {"sizes": {**sizes, "numReads": NUM_READS}, **fixture})


if __name__ == "__main__":
    main()
