#!/usr/bin/env python3
"""PyTorch reference fixture for createIntrospectiveMemory (@bayesrnn/memory).

How to run (from packages/memory; Debian's python3 with python3-torch):

    /usr/bin/python3 scripts/make-introspective-fixtures.py

Writes src/__fixtures__/introspective.json, read by introspective-memory.test.ts. Deterministic.

The memory, from Gemici et al. 2017 eq. 9-12 (papers.md §4.3), written here slot by slot:
a FIFO of L words, newest first; R heads read w^r · M with w^r a softmax over the L positions,
gated by sigmoid(g^r). Control layout: writeVector (W), attention (R x L), gates (R).
"""

import torch

from memory_fixture import make_fixture, rounded, write_fixture

BATCH, SLOTS, WORD, READS, STEPS = 2, 4, 3, 2, 5


class IntrospectiveReference:
    control_size = WORD + READS * SLOTS + READS
    read_size = READS * WORD

    def parse(self, flat):
        write_vector = flat[:, :WORD]
        logits = flat[:, WORD : WORD + READS * SLOTS].reshape(-1, READS, SLOTS)
        gate_logits = flat[:, WORD + READS * SLOTS :]
        return {
            "write": write_vector,
            "attention": torch.softmax(logits, dim=-1),
            "gates": torch.sigmoid(gate_logits),
        }

    def write(self, state, control):
        old = state["memory"]
        slots = [control["write"]] + [old[:, i] for i in range(SLOTS - 1)]
        return {"memory": torch.stack(slots, dim=1)}

    def read(self, state, control):
        memory = state["memory"]
        heads = []
        for r in range(READS):
            weights = control["attention"][:, r]
            word = sum(weights[:, i : i + 1] * memory[:, i] for i in range(SLOTS))
            heads.append(word * control["gates"][:, r : r + 1])
        return torch.cat(heads, dim=1), state


def main():
    generator = torch.Generator().manual_seed(20261122)
    initial = {"memory": rounded(generator, BATCH, SLOTS, WORD, scale=1.0)}
    fixture = make_fixture(
        IntrospectiveReference(), initial, STEPS, 2.0, generator, grad_state=("memory",)
    )
    fixture["sizes"] = {"batchSize": BATCH, "memorySize": SLOTS, "wordSize": WORD, "numReads": READS}
    write_fixture("introspective", fixture)


if __name__ == "__main__":
    main()
