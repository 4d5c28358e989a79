#!/usr/bin/env python3
"""Reference fixtures for corpusRougeL() (@bayesrnn/metrics).

How to run (from packages/metrics; any Python 3 with the standard library):

    /usr/bin/python3 scripts/rouge-fixtures.py

Writes src/__fixtures__/rouge-reference.json, read by src/rouge.test.ts. Deterministic (fixed
seed). pycocoevalcap cannot be installed offline here, so ROUGE-L is written below from Lin
(2004) and the description of coco-caption's rouge.py, with nothing of the TypeScript package:

    LCS(c, r)  length of the longest common subsequence, by the full (|c|+1) x (|r|+1) table
    P          = max over references r of LCS(c, r) / len(c)
    R          = max over references r of LCS(c, r) / len(r)      (a separate maximum)
    ROUGE-L    = (1 + beta**2) * P * R / (R + beta**2 * P)  if P and R are non-zero, else 0
    corpus     = mean of ROUGE-L over images

An empty candidate scores 0 and an empty reference has recall 0 (coco-caption would split ""
into one empty token; captions here are token lists, so there is no such token).

Captions are stored as space-joined strings (no word has a space; "" is the empty caption).
"""

import json
import pathlib
import sys
import random

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent))
from caption_corpora import caption, reword  # noqa: E402  (the shared corpus helpers)

WORDS = ["a", "man", "dog", "on", "the", "grass", "with", "red", "ball", "cat", "sits"]
OUT = pathlib.Path(__file__).resolve().parent.parent / "src" / "__fixtures__" / "rouge-reference.json"


def lcs(x, y):
    table = [[0] * (len(y) + 1) for _ in range(len(x) + 1)]
    for i in range(1, len(x) + 1):
        for j in range(1, len(y) + 1):
            if x[i - 1] == y[j - 1]:
                table[i][j] = table[i - 1][j - 1] + 1
            else:
                table[i][j] = max(table[i - 1][j], table[i][j - 1])
    return table[len(x)][len(y)]


def rouge_l(candidate, refs, beta):
    if not candidate:
        return 0.0
    common = [lcs(candidate, ref) for ref in refs]
    precision = max(n / len(candidate) for n in common)
    recall = max(n / len(ref) if ref else 0.0 for n, ref in zip(common, refs))
    if precision == 0 or recall == 0:
        return 0.0
    return (1 + beta**2) * precision * recall / (recall + beta**2 * precision)


def corpus_rouge_l(hypotheses, references, beta):
    scores = [rouge_l(h, refs, beta) for h, refs in zip(hypotheses, references)]
    return sum(scores) / len(scores), scores


def random_corpus(rng, images):
    hypotheses, references = [], []
    for _ in range(images):
        scene = caption(rng, WORDS, 1, 18)
        refs = [reword(rng, WORDS, scene) for _ in range(rng.randint(1, 5))]
        if rng.random() < 0.1:
            refs.append(caption(rng, WORDS, 0, 3))  # a short, possibly empty, reference
        roll = rng.random()
        if roll < 0.1:
            hypotheses.append(list(rng.choice(refs)))  # a copy of one reference
        elif roll < 0.25:
            hypotheses.append(caption(rng, WORDS, 0, 20))  # unrelated, possibly empty
        else:
            hypotheses.append(reword(rng, WORDS, scene))
        references.append(refs)
    return hypotheses, references


def case(name, hypotheses, references, beta=1.2):
    score, per_image = corpus_rouge_l(hypotheses, references, beta)
    return {
        "name": name,
        "beta": beta,
        "hypotheses": [" ".join(h) for h in hypotheses],
        "references": [[" ".join(r) for r in refs] for refs in references],
        "score": score,
        "perImage": per_image,
    }


def split(*captions):
    return [c.split() for c in captions]


def main():
    rng = random.Random(20040725)  # ACL 2004 Text Summarization Branches Out
    cases = []
    for index in range(30):
        images = rng.randint(1, 12)
        cases.append(case(f"random {index} ({images} images)", *random_corpus(rng, images)))
    for beta in (0.0, 0.5, 1.0, 3.0):
        cases.append(case(f"random 8 images, beta {beta}", *random_corpus(rng, 8), beta=beta))
    cases.append(case("random 60 images", *random_corpus(rng, 60)))
    cases += [
        case(
            "best precision and best recall from different references",
            split("a man rides a horse"),
            [split("a man rides", "a man is riding a brown horse on a beach")],
        ),
        case(
            "empty hypothesis and empty reference",
            [[], "a man with a dog".split(), "red ball".split()],
            [split("a dog"), [[], "a man with a dog".split()], [[]]],
        ),
        case(
            "no word in common",
            split("dog", "cat sits"),
            [split("red ball"), split("the grass", "a man")],
        ),
        case(
            "repeated words",
            split("a a a a dog", "the the cat"),
            [split("a dog a", "dog a"), split("the cat the cat the")],
        ),
    ]
    OUT.parent.mkdir(parents=True, exist_ok=True)
    fixture = {"generator": "scripts/rouge-fixtures.py", "cases": cases}
    OUT.write_text(json.dumps(fixture, indent=1) + "\n")
    print(f"wrote {len(cases)} cases to {OUT}")


if __name__ == "__main__":
    main()
