#!/usr/bin/env python3
"""Reference fixtures for corpusCiderD() (@bayesrnn/metrics).

How to run (from packages/metrics; any Python 3 with the standard library):

    /usr/bin/python3 scripts/cider-fixtures.py

Writes src/__fixtures__/cider-reference.json, read by src/cider.test.ts. Deterministic (fixed
seed). pycocoevalcap cannot be installed offline here, so CIDEr-D is written below from
Vedantam et al. (2015) and the description of coco-caption's cider_scorer.py, with nothing
of the TypeScript package:

    g_n(s)   n-grams of caption s, n = 1..4, counted with multiplicity (tf = raw count)
    df(g)    number of images whose reference set contains g somewhere
    w_g(s)   tf_g(s) * (log(N) - log(max(1, df(g))))          N = number of images
    sim_n    sum_g min(w_g(c), w_g(s)) * w_g(s) / (|w(c)|_2 |w(s)|_2)    (0 if a norm is 0)
             * exp(-(l(c) - l(s))**2 / (2 * 6**2))
    CIDEr-D_n(c, S) = (10 / |S|) sum_{s in S} sim_n
    CIDEr-D(c, S)   = (1/4) sum_n CIDEr-D_n;  the corpus score is the mean over images.

l(.) is the length as cider_scorer.py computes it: its counts2vec adds the term frequencies of
the n-grams whose 0-based order index is 1, i.e. it counts the caption's bigrams. For any
caption with at least one word that is the word count minus one, so differences of lengths
are differences of word counts; an empty caption has an all-zero vector, so its length never
matters. (The TypeScript uses word counts; these fixtures check the two agree.)

Captions are stored as space-joined strings (no word has a space; "" is the empty caption).
"""

import json
import math
import pathlib
import sys
import random
from collections import Counter

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent))
from caption_corpora import caption, reword  # noqa: E402  (the shared corpus helpers)

ORDERS = 4
SIGMA = 6.0
WORDS = ["a", "man", "dog", "on", "the", "grass", "with", "red", "ball", "cat", "sits"]
OUT = pathlib.Path(__file__).resolve().parent.parent / "src" / "__fixtures__" / "cider-reference.json"


def ngrams(words):
    return Counter(
        tuple(words[i : i + n]) for n in range(1, ORDERS + 1) for i in range(len(words) - n + 1)
    )


def cider_d(hypotheses, references):
    """(corpus score, per-image scores) for token lists, as coco-caption's CiderScorer."""
    images = len(references)
    document_frequency = Counter()
    for refs in references:
        document_frequency.update({gram for ref in refs for gram in ngrams(ref)})
    log_images = math.log(float(images))

    def weighted(words):
        counts = ngrams(words)
        vectors = [{} for _ in range(ORDERS)]
        for gram, tf in counts.items():
            idf = log_images - math.log(max(1.0, document_frequency[gram]))
            vectors[len(gram) - 1][gram] = tf * idf
        norms = [math.sqrt(sum(w * w for w in vector.values())) for vector in vectors]
        length = sum(tf for gram, tf in counts.items() if len(gram) == 2)
        return vectors, norms, length

    scores = []
    for hypothesis, refs in zip(hypotheses, references):
        candidate, candidate_norms, candidate_length = weighted(hypothesis)
        summed = [0.0] * ORDERS
        for ref in refs:
            reference, reference_norms, reference_length = weighted(ref)
            penalty = math.exp(-((candidate_length - reference_length) ** 2) / (2 * SIGMA**2))
            for n in range(ORDERS):
                overlap = sum(
                    min(w, reference[n].get(gram, 0.0)) * reference[n].get(gram, 0.0)
                    for gram, w in candidate[n].items()
                )
                if candidate_norms[n] != 0 and reference_norms[n] != 0:
                    overlap /= candidate_norms[n] * reference_norms[n]
                summed[n] += overlap * penalty
        scores.append(10.0 * (sum(summed) / ORDERS) / len(refs))
    return sum(scores) / len(scores), scores


def random_corpus(rng, images):
    hypotheses, references = [], []
    for _ in range(images):
        scene = caption(rng, WORDS, 1, 14)
        refs = [reword(rng, WORDS, scene) for _ in range(rng.randint(1, 5))]
        roll = rng.random()
        if roll < 0.1:
            hypotheses.append(list(rng.choice(refs)))  # a copy of one reference
        elif roll < 0.25:
            hypotheses.append(caption(rng, WORDS, 0, 16))  # unrelated, possibly empty
        else:
            hypotheses.append(reword(rng, WORDS, scene))
        references.append(refs)
    return hypotheses, references


def case(name, hypotheses, references):
    score, per_image = cider_d(hypotheses, references)
    return {
        "name": name,
        "hypotheses": [" ".join(h) for h in hypotheses],
        "references": [[" ".join(r) for r in refs] for refs in references],
        "score": score,
        "perImage": per_image,
    }


def split(*captions):
    return [c.split() for c in captions]


def main():
    rng = random.Random(20150607)  # CVPR 2015
    cases = []
    for index in range(20):
        images = rng.randint(2, 12)
        cases.append(case(f"random {index} ({images} images)", *random_corpus(rng, images)))
    cases.append(case("random 60 images", *random_corpus(rng, 60)))
    cases += [
        case("one image: log(1) = 0 weighs everything 0", split("a dog"), [split("a dog")]),
        case(
            "repeated words clipped by the reference",
            split("a a a a dog", "the cat sits", "man on the grass"),
            [split("a dog", "a red dog"), split("the cat sits on a mat"), split("a man")],
        ),
        case(
            "an n-gram in every image's references has idf 0",
            split("the dog", "the cat", "the ball"),
            [split("the dog runs"), split("the cat sits"), split("a red ball", "the ball")],
        ),
        case(
            "empty hypothesis and empty reference",
            [[], "a man with a dog".split(), "red ball".split()],
            [split("a dog"), [[], "a man with a dog".split()], split("the red ball on the grass")],
        ),
        case(
            "one-word captions",
            split("dog", "cat", "ball on"),
            [split("dog", "a dog"), split("red"), split("ball", "the ball")],
        ),
    ]
    OUT.parent.mkdir(parents=True, exist_ok=True)
    fixture = {"generator": "scripts/cider-fixtures.py", "sigma": SIGMA, "cases": cases}
    OUT.write_text(json.dumps(fixture, indent=1) + "\n")
    print(f"wrote {len(cases)} cases to {OUT}")


if __name__ == "__main__":
    main()
