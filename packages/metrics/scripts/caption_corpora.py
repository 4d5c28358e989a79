"""Random caption corpora for the metric fixture scripts beside this file (imported by them)."""


def caption(rng, words, shortest, longest):
    """Between shortest and longest tokens drawn from words."""
    return [rng.choice(words) for _ in range(rng.randint(shortest, longest))]


def reword(rng, words, scene):
    """A rewording of scene, as references of one image are: each token kept (70 %), replaced
    (15 %) or dropped, and now and then followed by an extra word."""
    out = []
    for token in scene:
        roll = rng.random()
        if roll < 0.7:
            out.append(token)
        elif roll < 0.85:
            out.append(rng.choice(words))
        if rng.random() < 0.1:
            out.append(rng.choice(words))
    return out
