import { checkLeaksAfterEachTest, expectClose } from '@bayesrnn/testing';
import { describe, expect, it } from 'vitest';
import fixture from './__fixtures__/cider-reference.json' with { type: 'json' };
import { corpusCiderD } from './cider.js';

checkLeaksAfterEachTest();

/** Against the independent Python implementation (float64 both, other summation orders). */
const REFERENCE = { rtol: 1e-9, atol: 0 };
/** Hand-derived closed forms: a few roundings of logs, square roots and an exp apart. */
const HAND = { rtol: 1e-13, atol: 1e-13 };

/** Fixture captions are space-joined; '' is the empty caption. */
const tokens = (caption: string): string[] => (caption === '' ? [] : caption.split(' '));
const words = (...captions: string[]): string[][] => captions.map(tokens);

describe('corpusCiderD by hand', () => {
  // Two images whose captions share no word, so every reference n-gram is in one image's
  // references: df = 1 and its weight is tf · (log 2 − log 1) = tf · L with L = log 2. A
  // hypothesis n-gram in no reference has df 0 → max(1, 0) = 1, the same weight.

  it('gives 10 to a hypothesis identical to its single reference (7.5 with 3 tokens)', () => {
    // Image A: h = r = "a cat sat down". At every order n = 1..4 the two vectors are equal
    // (1-grams a, cat, sat, down; 2-grams a cat, cat sat, sat down; 3-grams a cat sat,
    // cat sat down; 4-gram a cat sat down; each weight L), so clipping min(w, w) = w changes
    // nothing and each cosine is 1; equal lengths make the penalty exp(0) = 1.
    // CIDEr-D = 10 · (1 + 1 + 1 + 1)/4 / 1 reference = 10.
    // Image B: h = r = "two dogs run" has no 4-gram: that order's vectors are empty, its
    // term is 0, and CIDEr-D = 10 · (1 + 1 + 1 + 0)/4 = 7.5. The corpus score is 8.75.
    const score = corpusCiderD(words('a cat sat down', 'two dogs run'), [
      words('a cat sat down'),
      words('two dogs run'),
    ]);
    expectClose(score.perImage, [10, 7.5], HAND, 'perImage');
    expectClose(score.score, 8.75, HAND, 'score');
  });

  it('scores a shortened caption: cosines per order times the length penalty', () => {
    // Image A: h = "a cat sat" (3 tokens), r = "a cat sat down" (4); all weights L.
    //   1-grams: h {a, cat, sat}, r {a, cat, sat, down}: dot 3L², norms √3·L, 2L → √3/2
    //   2-grams: h {a cat, cat sat}, r {a cat, cat sat, sat down}: 2L² / (√2·L · √3·L) → √(2/3)
    //   3-grams: h {a cat sat}, r {a cat sat, cat sat down}: L² / (L · √2·L) → 1/√2
    //   4-grams: h has none → 0
    //   penalty: δ = 3 − 4 = −1 → exp(−1/(2·6²)) = exp(−1/72)
    // CIDEr-D = (10/4) · exp(−1/72) · (√3/2 + √(2/3) + 1/√2) ≈ 5.8916.
    const score = corpusCiderD(words('a cat sat', 'two dogs run'), [
      words('a cat sat down'),
      words('two dogs run'),
    ]);
    const expected = 2.5 * Math.exp(-1 / 72) * (Math.sqrt(3) / 2 + Math.sqrt(2 / 3) + Math.SQRT1_2);
    expectClose(score.perImage[0] ?? Number.NaN, expected, HAND, 'shortened');
  });

  it('clips repeated words by the reference (the "-D")', () => {
    // Image A: h = "dog dog", r = "dog". 1-grams: h {dog: 2L}, r {dog: L}; clipped dot
    // min(2L, L) · L = L², norms 2L and L → 1/2 (plain cosine would say 1). 2-grams: h {dog dog},
    // r none → 0. δ = 1. CIDEr-D = (10/4) · exp(−1/72) · 1/2.
    const score = corpusCiderD(words('dog dog', 'cat'), [words('dog'), words('cat')]);
    expectClose(score.perImage[0] ?? Number.NaN, 1.25 * Math.exp(-1 / 72), HAND, 'clipped');
  });

  it('scores 0 for a corpus of one image: every weight is log 1 − log 1', () => {
    expect(corpusCiderD(words('a dog'), [words('a dog')])).toEqual({ score: 0, perImage: [0] });
  });

  it('averages over references and gives empty captions 0', () => {
    // Image A has two references: the identical one gives 10, the unrelated one 0 → mean 5.
    const score = corpusCiderD(
      [tokens('a cat sat down'), [], tokens('two dogs run')],
      [words('a cat sat down', 'red ball'), words('green grass'), words('two dogs run')],
    );
    expectClose(score.perImage, [5, 0, 7.5], HAND, 'perImage');
  });
});

describe('corpusCiderD against the independent Python implementation', () => {
  it('has the fixture the generator wrote', () => {
    expect(fixture.sigma).toBe(6);
    expect(fixture.cases.length).toBeGreaterThan(20);
  });

  it.each(fixture.cases)('$name', (reference) => {
    const score = corpusCiderD(
      reference.hypotheses.map(tokens),
      reference.references.map((captions) => captions.map(tokens)),
    );
    expectClose(score.perImage, reference.perImage, REFERENCE, 'perImage');
    expectClose(score.score, reference.score, REFERENCE, 'score');
  });
});

describe('corpusCiderD input checks', () => {
  it('rejects a length mismatch, an empty corpus, an image without references, bad tokens', () => {
    expect(() => corpusCiderD(words('a'), [])).toThrow(
      new RangeError(
        'corpusCiderD: hypotheses has length 1 but references has length 0; they pair up one per image',
      ),
    );
    expect(() => corpusCiderD([], [])).toThrow(/corpusCiderD: hypotheses is empty/);
    expect(() => corpusCiderD(words('a', 'b'), [words('a'), []])).toThrow(
      new RangeError(
        'corpusCiderD: references[1] has no reference captions; every image needs at least one',
      ),
    );
    expect(() => corpusCiderD(words('a'), [[['x\u0001y']]])).toThrow(
      /corpusCiderD: references\[0\]\[0\]\[0\] must be a string without U\+0001/,
    );
  });
});
