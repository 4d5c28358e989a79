import { checkLeaksAfterEachTest, expectClose } from '@bayesrnn/testing';
import { describe, expect, it } from 'vitest';
import fixture from './__fixtures__/bleu-nltk.json' with { type: 'json' };
import { corpusBleu } from './bleu.js';

checkLeaksAfterEachTest();

/** NLTK's numbers against ours: same integer counts, then one log, sum and exp each. */
const NLTK = { rtol: 1e-12, atol: 0 };

/** Fixture captions are space-joined; '' is the empty caption. */
const tokens = (caption: string): string[] => (caption === '' ? [] : caption.split(' '));
const words = (...captions: string[]): string[][] => captions.map(tokens);

describe('corpusBleu by hand', () => {
  // h  = the cat sat on the mat                          (6 tokens)
  // r1 = the cat is on the mat                           (6 tokens)
  // r2 = there is a cat on the mat                       (7 tokens)
  // 1-grams of h: the ×2, cat, sat, on, mat = 6; clipped by the most in one reference:
  //   the min(2, 2 in r1) = 2, cat 1, sat 0, on 1, mat 1 → 5          p1 = 5/6
  // 2-grams of h: the cat, cat sat, sat on, on the, the mat = 5;
  //   the cat (r1), on the (r1, r2), the mat (r1, r2) → 3              p2 = 3/5
  // 3-grams of h: the cat sat, cat sat on, sat on the, on the mat = 4;
  //   on the mat (r1, r2) → 1                                          p3 = 1/4
  // 4-grams of h: the cat sat on, cat sat on the, sat on the mat = 3; none in r1 or r2  p4 = 0
  // c = 6, closest reference length r = 6 → BP = exp(1 − 6/6) = 1.
  // BLEU-1 = 5/6, BLEU-2 = √(5/6 · 3/5) = √½, BLEU-3 = ∛(5/6 · 3/5 · 1/4) = ∛(1/8) = ½,
  // BLEU-4 = 0 (a zero factor in the geometric mean; NLTK gives 7.3e-78 here).
  const cat = words('the cat sat on the mat');
  const catReferences = words('the cat is on the mat', 'there is a cat on the mat');

  it('scores one hypothesis against two references', () => {
    const score = corpusBleu([cat[0] ?? []], [catReferences]);
    expect(score.precisions).toEqual([5 / 6, 3 / 5, 1 / 4, 0]);
    expect(score.hypothesisLength).toBe(6);
    expect(score.referenceLength).toBe(6);
    expect(score.brevityPenalty).toBe(1);
    expectClose(score.bleu, [5 / 6, Math.SQRT1_2, 0.5, 0], NLTK, 'bleu');
  });

  it('pools counts over the corpus, with the brevity penalty and a hypothesis shorter than n', () => {
    // Second image: h = a dog (2 tokens); r1 = a dog runs (3), r2 = the dog is running fast (5).
    //   1-grams: a, dog → 2 of 2; 2-grams: a dog (r1) → 1 of 1; 3- and 4-grams: none of 0, which
    //   NLTK counts as 0 of 1 (its max(1, ·) guard), so each order's denominator grows by 1.
    //   Closest reference length: 3.
    // Corpus: p1 = (5+2)/(6+2) = 7/8, p2 = (3+1)/(5+1) = 2/3, p3 = (1+0)/(4+1) = 1/5,
    //   p4 = 0/(3+1); c = 6+2 = 8 < r = 6+3 = 9 → BP = exp(1 − 9/8) = e^(−1/8).
    const score = corpusBleu(
      [cat[0] ?? [], tokens('a dog')],
      [catReferences, words('a dog runs', 'the dog is running fast')],
    );
    expect(score.precisions).toEqual([7 / 8, 4 / 6, 1 / 5, 0]);
    expect([score.hypothesisLength, score.referenceLength]).toEqual([8, 9]);
    const bp = Math.exp(-1 / 8);
    expectClose(score.brevityPenalty, bp, NLTK, 'brevity penalty');
    expectClose(
      score.bleu,
      [bp * (7 / 8), bp * Math.sqrt(7 / 12), bp * Math.cbrt(7 / 60), 0],
      NLTK,
      'bleu',
    );
  });

  it('takes the shorter reference when two are equally close', () => {
    // |h| = 5 between references of 4 and 6: r = 4 < c, so no penalty (with 6 it would be e^(−0.2)).
    const score = corpusBleu([tokens('a b c d e')], [words('a b c d', 'a b c d e f')]);
    expect(score.referenceLength).toBe(4);
    expect(score.brevityPenalty).toBe(1);
    expect(score.bleu).toEqual([1, 1, 1, 1]);
  });

  it('honours maxOrder', () => {
    const score = corpusBleu([cat[0] ?? []], [catReferences], { maxOrder: 2 });
    expect(score.precisions).toEqual([5 / 6, 3 / 5]);
    expect(score.bleu).toHaveLength(2);
  });
});

describe('corpusBleu against NLTK 3.8 corpus_bleu', () => {
  it('has the fixture the generator wrote', () => {
    expect(fixture.nltk).toBe('3.8');
    expect(fixture.cases.length).toBeGreaterThan(30);
  });

  it.each(fixture.cases)('$name', (reference) => {
    const hypotheses = reference.hypotheses.map(tokens);
    const references = reference.references.map((captions) => captions.map(tokens));
    const score = corpusBleu(hypotheses, references, { maxOrder: fixture.maxOrder });

    expect(score.hypothesisLength).toBe(reference.hypothesisLength);
    expect(score.referenceLength).toBe(reference.referenceLength);
    expectClose(score.brevityPenalty, reference.brevityPenalty, NLTK, 'brevity penalty');
    const numerators = reference.precisionNumerators;
    const denominators = reference.precisionDenominators;
    expect(score.precisions).toEqual(numerators.map((m, n) => m / (denominators[n] ?? 1)));

    const firstZero = numerators.indexOf(0);
    reference.bleu.forEach((nltk, n) => {
      const ours = score.bleu[n] ?? Number.NaN;
      if (firstZero >= 0 && n >= firstZero) {
        // No smoothing: a zero precision at an order ≤ n + 1. NLTK puts log(sys.float_info.min)
        // = log(2^−1022) into the mean and returns at most (2^−1022)^(1/(n+1)) (1e-77 for
        // BLEU-4, 1e-62 for BLEU-5), or exactly 0 when p1 = 0; we return the exact 0.
        expect(ours, `BLEU-${n + 1}`).toBe(0);
        expect(nltk, `NLTK BLEU-${n + 1}`).toBeLessThanOrEqual(2 ** (-1022 / (n + 1)) * (1 + 1e-9));
      } else {
        expectClose(ours, nltk, NLTK, `BLEU-${n + 1}`);
      }
    });

    // The default maxOrder of 4 gives the same first four numbers.
    expect(corpusBleu(hypotheses, references).bleu).toEqual(score.bleu.slice(0, 4));
  });
});

describe('corpusBleu input checks', () => {
  const one = [tokens('a dog')];
  const oneReference = [words('a dog')];

  it('rejects a length mismatch, an empty corpus and an image without references', () => {
    expect(() => corpusBleu(one, [])).toThrow(
      new RangeError(
        'corpusBleu: hypotheses has length 1 but references has length 0; they pair up one per image',
      ),
    );
    expect(() => corpusBleu([], [])).toThrow(/corpusBleu: hypotheses is empty/);
    expect(() => corpusBleu([...one, ...one], [...oneReference, []])).toThrow(
      new RangeError(
        'corpusBleu: references[1] has no reference captions; every image needs at least one',
      ),
    );
  });

  it('rejects maxOrder that is not an integer ≥ 1', () => {
    for (const maxOrder of [0, -1, 2.5, Number.NaN, Number.POSITIVE_INFINITY]) {
      expect(() => corpusBleu(one, oneReference, { maxOrder })).toThrow(
        new RangeError(`corpusBleu: options.maxOrder must be an integer ≥ 1, got ${maxOrder}`),
      );
    }
  });

  it('rejects tokens holding the n-gram separator, naming where', () => {
    expect(() => corpusBleu([['a\u0001b']], oneReference)).toThrow(
      /corpusBleu: hypotheses\[0\]\[0\] must be a string without U\+0001/,
    );
    expect(() => corpusBleu(one, [[['a'], ['b', 'c', 'd\u0001']]])).toThrow(
      /corpusBleu: references\[0\]\[1\]\[2\] must be a string/,
    );
  });
});
