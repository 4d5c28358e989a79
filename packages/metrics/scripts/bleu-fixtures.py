#!/usr/bin/env python3
"""NLTK reference fixtures for corpusBleu() (@bayesrnn/metrics).

How to run (from packages/metrics; Debian's python3, which has NLTK 3.8 -- the pyenv python3
on PATH has no nltk):

    /usr/bin/python3 scripts/bleu-fixtures.py

Writes src/__fixtures__/bleu-nltk.json, read by src/bleu.test.ts. Deterministic (fixed seed).

Captions are stored as space-joined strings (no word has a space; "" is the empty caption).
Every number comes from nltk.translate.bleu_score, nothing from the TypeScript package:

    bleu[n - 1]           corpus_bleu(references, hypotheses, weights=(1/n,) * n), n = 1..5
    precision numerators  sum over images of modified_precision(refs, hyp, n).numerator
    and denominators      ... .denominator (NLTK's max(1, #n-grams of the hypothesis))
    referenceLength       sum over images of closest_ref_length(refs, len(hyp))
    brevityPenalty        brevity_penalty(referenceLength, hypothesisLength)

Without smoothing, NLTK replaces a zero precision by sys.float_info.min before taking logs and
so returns a number below 1e-70 rather than 0 (with a warning, silenced here); the test
checks that case against the recorded numerators instead of the value.

Cases: random corpora of 1 to 13 images and one of 40 over a small word list, with 1 to 5
references per image that reword a random scene of 1 to 13 tokens, and a hypothesis that
rewords it too or (one in seven) is 0 to 14 random tokens; then
hand-built corpora for the edges: a hypothesis shorter than every reference, one longer than
every reference, a tie for the closest reference length, a hypothesis shorter than n, no
4-gram match, no match at all, empty hypotheses and an empty reference.
"""

import json
import pathlib
import sys
import random
import warnings
from fractions import Fraction

import nltk
from nltk.translate.bleu_score import (
    brevity_penalty,
    closest_ref_length,
    corpus_bleu,
    modified_precision,
)

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent))
from caption_corpora import caption, reword  # noqa: E402  (the shared corpus helpers)

MAX_ORDER = 5
WORDS = ["a", "man", "dog", "on", "the", "grass", "with", "red", "ball"]
OUT = pathlib.Path(__file__).resolve().parent.parent / "src" / "__fixtures__" / "bleu-nltk.json"


def random_corpus(rng, images):
    """Captions of one image reword a common scene, as real references do; a few are unrelated."""
    hypotheses, references = [], []
    for _ in range(images):
        scene = caption(rng, WORDS, 1, 13)
        if rng.random() < 0.15:
            hypotheses.append(caption(rng, WORDS, 0, 14))
        else:
            hypotheses.append(reword(rng, WORDS, scene))
        references.append([reword(rng, WORDS, scene) for _ in range(rng.randint(1, 5))])
    return hypotheses, references


def nltk_case(name, hypotheses, references):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # "The hypothesis contains 0 counts of n-gram overlaps"
        bleu = [
            float(corpus_bleu(references, hypotheses, weights=(1 / n,) * n))
            for n in range(1, MAX_ORDER + 1)
        ]
    numerators, denominators = [], []
    for n in range(1, MAX_ORDER + 1):
        # _normalize=False keeps NLTK's raw counts; sum them as corpus_bleu does.
        parts = [modified_precision(refs, hyp, n) for refs, hyp in zip(references, hypotheses)]
        numerators.append(sum(p.numerator for p in parts))
        denominators.append(sum(p.denominator for p in parts))
    hypothesis_length = sum(len(hyp) for hyp in hypotheses)
    reference_length = sum(
        closest_ref_length(refs, len(hyp)) for refs, hyp in zip(references, hypotheses)
    )
    return {
        "name": name,
        "hypotheses": [" ".join(hyp) for hyp in hypotheses],
        "references": [[" ".join(ref) for ref in refs] for refs in references],
        "bleu": bleu,
        "precisionNumerators": numerators,
        "precisionDenominators": denominators,
        "hypothesisLength": hypothesis_length,
        "referenceLength": reference_length,
        "brevityPenalty": float(brevity_penalty(reference_length, hypothesis_length)),
    }


def split(*captions):
    return [c.split() for c in captions]


def main():
    rng = random.Random(20020706)  # BLEU's ACL 2002 date
    cases = []
    for index in range(24):
        images = rng.randint(1, 13)
        cases.append(nltk_case(f"random {index} ({images} images)", *random_corpus(rng, images)))
    cases.append(nltk_case("random 40 images", *random_corpus(rng, 40)))

    a_dog = "a dog on the grass with a red ball"
    cases += [
        nltk_case(
            "hypothesis shorter than every reference",
            split("a dog on", "the man with a red ball"),
            [split(a_dog, "a red dog on the grass"), split("the man with a red ball")],
        ),
        nltk_case(
            "hypothesis longer than every reference",
            split("a man with a dog on the grass with the red ball on the grass"),
            [split("a man with a dog", "a man on the grass", "the red ball")],
        ),
        nltk_case(
            "tie for the closest reference length (the shorter counts)",
            split("a dog on the grass"),
            [split("a dog on the red grass", "a dog on grass", "the dog")],
        ),
        nltk_case(
            "hypotheses shorter than n",
            split("a dog", "red", a_dog),
            [split("a dog on the grass"), split("a red ball", "red"), split(a_dog)],
        ),
        nltk_case(
            "no 4-gram match",
            split("a dog on red grass", "the man with a ball"),
            [split("a dog on the grass", "red grass"), split("the man with the ball")],
        ),
        nltk_case(
            "no match at all",
            split("a dog", "the grass"),
            [split("man on red ball"), split("with ball")],
        ),
        nltk_case(
            "empty hypotheses",
            [[], "a dog on the grass".split(), []],
            [split("a dog"), split("a dog on the grass"), split("the red ball", "a man")],
        ),
        nltk_case(
            "an empty reference",
            split("a man with a ball", "the red ball"),
            [[[], "a man with a red ball".split()], split("the red ball on the grass")],
        ),
    ]
    OUT.parent.mkdir(parents=True, exist_ok=True)
    fixture = {
        "generator": "scripts/bleu-fixtures.py",
        "nltk": nltk.__version__,
        "maxOrder": MAX_ORDER,
        "cases": cases,
    }
    OUT.write_text(json.dumps(fixture, indent=1) + "\n")
    print(f"wrote {len(cases)} cases to {OUT}")


if __name__ == "__main__":
    main()
