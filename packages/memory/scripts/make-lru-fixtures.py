"""Fixture of the least-recently-used memory (src/__fixtures__/lru.json).

Santoro et al. 2016, "Meta-learning with memory-augmented neural networks" (MANN), as
papers.md §4.4 "LRU" states it, written from the equations in float64 with nothing of the
TypeScript package:

    least used:  lu_h = one-hot on the h-th smallest usage_{t-1} entry (ties: lowest slot);
                 sum_h lu_h is MANN's w^lu with n = R (the R least-used slots)
    write:       w^w_h = sigmoid(alpha_h) w^r_{t-1,h} + (1 - sigmoid(alpha_h)) lu_h
                 M' = M_{t-1} with the least-used slot (lu_0) set to zero
                 M_t(i) = M'(i) + sum_h w^w_h(i) k_h
    read:        w^r_h(i) = softmax_i(beta_h K[k_h, M_t(i)]),  beta_h = 1 + softplus(.)
                 r_h = sum_i w^r_h(i) M_t(i)
    usage:       u_t = gamma u_{t-1} + sum_h w^r_h + sum_h w^w_h

beta is the package's deviation from MANN (which uses beta = 1): a softmax over cosines in
[-1, 1] cannot focus on one of many slots. K is the cosine with epsilon = 1e-6 inside the norms
and in the denominator, the package's shared convention (content-weighting.ts).

Run: cd packages/memory && /usr/bin/python3 scripts/make-lru-fixtures.py
"""

import torch

from memory_fixture import make_fixture, rounded, write_fixture

EPSILON = 1e-6
# Smallest distance allowed between the usages that decide the least-used slots, so that the
# float32 TypeScript run and the finite-difference probes (step 1e-3) choose the same slots.
TIE_MARGIN = 0.02


class LruMemory:
    def __init__(self, memory_size, word_size, num_reads, usage_decay):
        self.memory_size = memory_size
        self.word_size = word_size
        self.num_reads = num_reads
        self.usage_decay = usage_decay
        # keys (R x W, identity), strengths (R, oneplus), write gates (R, sigmoid)
        self.control_size = num_reads * word_size + num_reads + num_reads
        self.read_size = num_reads * word_size
        self.smallest_gap = float("inf")

    def parse(self, flat):
        reads, width = self.num_reads, self.word_size
        keys = flat[:, : reads * width].reshape(-1, reads, width)
        strengths = 1 + torch.nn.functional.softplus(flat[:, reads * width : reads * width + reads])
        gates = torch.sigmoid(flat[:, reads * width + reads :])
        return {"keys": keys, "strengths": strengths, "write_gates": gates}

    def least_used(self, usage):
        """[batch, R, N] one-hots: head h on the h-th smallest usage, ties to the lower slot.
        Built from plain Python indices, so no gradient flows through the choice."""
        batch = usage.shape[0]
        chosen = torch.zeros(batch, self.num_reads, self.memory_size, dtype=torch.float64)
        for b in range(batch):
            values = usage[b].tolist()
            order = sorted(range(self.memory_size), key=lambda i: (values[i], i))
            deciding = [values[i] for i in order[: self.num_reads + 1]]
            gaps = [high - low for low, high in zip(deciding, deciding[1:])]
            self.smallest_gap = min([self.smallest_gap, *gaps])
            for head in range(self.num_reads):
                chosen[b, head, order[head]] = 1.0
        return chosen

    def write(self, state, control):
        least_used = self.least_used(state["usage"].detach())
        memory = state["memory"]
        batch = memory.shape[0]
        gates = control["write_gates"]
        write_weights = []
        for head in range(self.num_reads):
            gate = gates[:, head : head + 1]
            weights = gate * state["readWeights"][:, head] + (1 - gate) * least_used[:, head]
            write_weights.append(weights)
        # Zero the single least-used slot, then every head adds its key where it writes.
        kept = 1 - least_used[:, 0]
        rows = []
        for slot in range(self.memory_size):
            row = memory[:, slot] * kept[:, slot : slot + 1]
            for head in range(self.num_reads):
                row = row + write_weights[head][:, slot : slot + 1] * control["keys"][:, head]
            rows.append(row)
        state = dict(state)
        state["memory"] = torch.stack(rows, dim=1)
        state["writeWeights"] = torch.stack(write_weights, dim=1)
        assert state["memory"].shape == (batch, self.memory_size, self.word_size)
        return state

    def cosine(self, key, row):
        key_norm = torch.sqrt((key * key).sum(-1) + EPSILON)
        row_norm = torch.sqrt((row * row).sum(-1) + EPSILON)
        return (key * row).sum(-1) / (key_norm * row_norm + EPSILON)

    def read(self, state, control):
        memory = state["memory"]
        read_weights, words = [], []
        for head in range(self.num_reads):
            key = control["keys"][:, head]
            similarity = torch.stack(
                [self.cosine(key, memory[:, slot]) for slot in range(self.memory_size)], dim=1
            )
            weights = torch.softmax(control["strengths"][:, head : head + 1] * similarity, dim=1)
            read_weights.append(weights)
            words.append(sum(weights[:, slot : slot + 1] * memory[:, slot] for slot in range(self.memory_size)))
        read_weights = torch.stack(read_weights, dim=1)
        usage = (
            self.usage_decay * state["usage"]
            + read_weights.sum(dim=1)
            + state["writeWeights"].sum(dim=1)
        )
        state = dict(state)
        state["readWeights"] = read_weights
        state["usage"] = usage
        return torch.cat(words, dim=1), state


def distribution(generator, *shape):
    """Random rows summing to 1 (4-decimal entries, the last one closing the sum)."""
    values = rounded(generator, *shape, scale=1.0, low=0.05)
    values = torch.round(values / values.sum(-1, keepdim=True) * 1e4) / 1e4
    values[..., -1] = 1 - values[..., :-1].sum(-1)
    return torch.round(values * 1e4) / 1e4


def main():
    batch, memory_size, word_size, num_reads, steps = 2, 5, 3, 2, 4
    memory = LruMemory(memory_size, word_size, num_reads, usage_decay=0.95)
    generator = torch.Generator().manual_seed(6)
    usage = rounded(generator, batch, memory_size, scale=2.0, low=0.0)
    for row in usage.tolist():
        assert len(set(row)) == memory_size, "initial usage must have distinct values"
    initial_state = {
        "memory": rounded(generator, batch, memory_size, word_size, scale=1.0),
        "readWeights": distribution(generator, batch, num_reads, memory_size),
        "writeWeights": distribution(generator, batch, num_reads, memory_size),
        "usage": usage,
    }
    fixture = make_fixture(
        memory,
        initial_state,
        steps,
        control_scale=2.0,
        generator=generator,
        grad_state=("memory", "readWeights"),
    )
    assert memory.smallest_gap > TIE_MARGIN, f"near tie in usage: {memory.smallest_gap}"
    fixture["sizes"] = {
        "batchSize": batch,
        "memorySize": memory_size,
        "wordSize": word_size,
        "numReads": num_reads,
        "usageDecay": memory.usage_decay,
        "steps": steps,
    }
    print(f"smallest usage gap deciding a least-used slot: {memory.smallest_gap:.4f}")
    write_fixture("lru", fixture)


if __name__ == "__main__":
    main()
