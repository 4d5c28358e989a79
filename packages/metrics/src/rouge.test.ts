import { checkLeaksAfterEachTest, expectClose } from '@bayesrnn/testing';
import { describe, expect, it } from 'vitest';
import fixture from './__fixtures__/rouge-reference.json' with { type: 'json' };
import { corpusRougeL } from './rouge.js';

checkLeaksAfterEachTest();

/** Against the independent Python implementation: the same integer LCS, then a few roundings. */
const REFERENCE = { rtol: 1e-12, atol: 0 };
/** Hand-derived closed forms, evaluated in another order. */
const HAND = { rtol: 1e-14, atol: 0 };

/** Fixture captions are space-joined; '' is the empty caption. */
const tokens = (caption: string): string[] => (caption === '' ? [] : caption.split(' '));
const words = (...captions: string[]): string[][] => captions.map(tokens);

describe('corpusRougeL by hand (β = 1.2, β² = 1.44)', () => {
  // Image A: c = the cat sat on the mat                        (6 tokens)
  //   r1 = the cat is on the mat (6):      LCS "the cat on the mat" = 5 → P 5/6, R 5/6
  //   r2 = there is a cat on the mat (7):  LCS "cat on the mat" = 4     → P 4/6, R 4/7
  //   P = max(5/6, 4/6) = 5/6, R = max(5/6, 4/7) = 5/6
  //   F = 2.44 · (5/6)² / (5/6 + 1.44 · 5/6) = 5/6          (P = R makes F = P for any β)
  // Image B: c = a dog runs                                    (3 tokens)
  //   r = a brown dog is running on the grass (8):  LCS "a dog" = 2 → P 2/3, R 2/8 = 1/4
  //   F = 2.44 · (2/3)(1/4) / (1/4 + 1.44 · 2/3) = (2.44/6) / 1.21 = 0.33609
  // Corpus: (5/6 + 0.33609) / 2 = 0.58471.
  const hypotheses = words('the cat sat on the mat', 'a dog runs');
  const references = [
    words('the cat is on the mat', 'there is a cat on the mat'),
    words('a brown dog is running on the grass'),
  ];
  const imageB = 2.44 / 6 / 1.21;

  it('scores two images and averages them', () => {
    const score = corpusRougeL(hypotheses, references);
    expectClose(score.perImage, [5 / 6, imageB], HAND, 'perImage');
    expectClose(score.score, (5 / 6 + imageB) / 2, HAND, 'score');
  });

  it('weighs recall by β: β = 1 is the harmonic mean, β = 0 is the precision', () => {
    // Image B with β = 1: 2 · (2/3)(1/4) / (2/3 + 1/4) = (1/3) / (11/12) = 4/11.
    const harmonic = corpusRougeL(hypotheses, references, { beta: 1 });
    expectClose(harmonic.perImage, [5 / 6, 4 / 11], HAND, 'β = 1');
    const precisionOnly = corpusRougeL(hypotheses, references, { beta: 0 });
    expectClose(precisionOnly.perImage, [5 / 6, 2 / 3], HAND, 'β = 0');
  });

  it('takes the best precision and the best recall separately, as coco-caption', () => {
    // c = a man rides a horse                                     (5 tokens)
    //   r1 = a man rides (3):                         LCS "a man rides" = 3   → P 3/5, R 1
    //   r2 = a man is riding a brown horse on a beach (10):  LCS "a man a horse" = 4
    //                                                                          → P 4/5, R 4/10
    //   P = 4/5 (from r2), R = 1 (from r1):
    //   F = 2.44 · 0.8 · 1 / (1 + 1.44 · 0.8) = 1.952 / 2.152 = 0.90706
    // Each reference's own F is lower: r1 2.44 · 0.6 / (1 + 0.864) = 0.78541,
    //   r2 2.44 · 0.8 · 0.4 / (0.4 + 1.152) = 0.50309; the best of those would be 0.78541.
    const both = words('a man rides', 'a man is riding a brown horse on a beach');
    const candidate = [tokens('a man rides a horse')];
    const score = corpusRougeL(candidate, [both]);
    expectClose(score.perImage, [1.952 / 2.152], HAND, 'separate maxima');
    const alone = both.map((reference) => corpusRougeL(candidate, [[reference]]).score);
    expectClose(alone, [1.464 / 1.864, 0.7808 / 1.552], HAND, 'one reference each');
    expect(score.score).toBeGreaterThan(Math.max(...alone));
  });

  it('gives 1 to a copy of a reference and 0 to a caption with no word in common', () => {
    const score = corpusRougeL(words('a red ball', 'a dog'), [
      words('the ball', 'a red ball'),
      words('two cats'),
    ]);
    expect(score).toEqual({ score: 0.5, perImage: [1, 0] });
  });

  it('scores an empty hypothesis 0 and gives an empty reference recall 0', () => {
    const score = corpusRougeL(
      [[], tokens('a dog'), tokens('a dog')],
      [words('a dog'), words('', 'a dog'), words('')],
    );
    expect(score.perImage).toEqual([0, 1, 0]);
    expect(score.score).toBe(1 / 3);
  });
});

describe('corpusRougeL against the independent Python implementation', () => {
  it('has the fixture the generator wrote', () => {
    expect(fixture.generator).toBe('scripts/rouge-fixtures.py');
    expect(fixture.cases.length).toBeGreaterThan(30);
  });

  it.each(fixture.cases)('$name', (reference) => {
    const score = corpusRougeL(
      reference.hypotheses.map(tokens),
      reference.references.map((captions) => captions.map(tokens)),
      { beta: reference.beta },
    );
    expectClose(score.perImage, reference.perImage, REFERENCE, 'perImage');
    expectClose(score.score, reference.score, REFERENCE, 'score');
  });
});

describe('corpusRougeL input checks', () => {
  const one = words('a dog');
  const oneReference = [words('a dog')];

  it('rejects a length mismatch, an empty corpus, an image without references, bad tokens', () => {
    expect(() => corpusRougeL(one, [])).toThrow(
      new RangeError(
        'corpusRougeL: hypotheses has length 1 but references has length 0; they pair up one per image',
      ),
    );
    expect(() => corpusRougeL([], [])).toThrow(/corpusRougeL: hypotheses is empty/);
    expect(() => corpusRougeL(words('a', 'b'), [words('a'), []])).toThrow(
      new RangeError(
        'corpusRougeL: references[1] has no reference captions; every image needs at least one',
      ),
    );
    expect(() => corpusRougeL(one, [[['x\u0001y']]])).toThrow(
      /corpusRougeL: references\[0\]\[0\]\[0\] must be a string without U\+0001/,
    );
  });

  it('rejects β that is not a finite number ≥ 0', () => {
    for (const beta of [-1, Number.NaN, Number.POSITIVE_INFINITY]) {
      expect(() => corpusRougeL(one, oneReference, { beta })).toThrow(
        new RangeError(`corpusRougeL: options.beta must be a finite number ≥ 0, got ${beta}`),
      );
    }
  });
});
