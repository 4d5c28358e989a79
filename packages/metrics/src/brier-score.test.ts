import { checkLeaksAfterEachTest, decode, expectClose, TOLERANCES } from '@bayesrnn/testing';
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import fixture from './__fixtures__/uncertainty-reference.json' with { type: 'json' };
import { type BrierScoreOptions, brierScore } from './brier-score.js';

checkLeaksAfterEachTest();

/** The score of probability rows against labels, as a number; disposes everything. */
function score(rows: number[][], labels: number[], options?: BrierScoreOptions): number {
  const logProbabilities = tf.tidy(() => tf.log(tf.tensor2d(rows)));
  const labelTensor = tf.tensor1d(labels, 'int32');
  try {
    const brier = brierScore(logProbabilities, labelTensor, options);
    const [value = Number.NaN] = brier.dataSync();
    brier.dispose();
    return value;
  } finally {
    tf.dispose([logProbabilities, labelTensor]);
  }
}

describe('brierScore by hand', () => {
  it('is the mean over examples of Σ_c (p_c − 1[c = y])²', () => {
    // [.7, .2, .1], y = 0: .3² + .2² + .1² = .09 + .04 + .01      = 0.14
    // [.25, .25, .5], y = 1: .25² + .75² + .5² = .0625 + .5625 + .25 = 0.875
    // mean: (0.14 + 0.875) / 2                                      = 0.5075
    const rows = [
      [0.7, 0.2, 0.1],
      [0.25, 0.25, 0.5],
    ];
    expectClose(score(rows, [0, 1]), 0.5075, TOLERANCES.float32);
  });

  it('spans [0, 2]: 0 certain and right, 2 certain and wrong, 1 − 1/C uniform', () => {
    // [1, 0, 0], y = 0: 0.   [1, 0, 0], y = 2: 1² + 0² + 1² = 2.   Uniform over 4: 3/16 + 9/16.
    expect(score([[1, 0, 0]], [0])).toBe(0);
    expect(score([[1, 0, 0]], [2])).toBe(2);
    expectClose(score([[0.25, 0.25, 0.25, 0.25]], [3]), 0.75, TOLERANCES.float32);
  });
});

describe('brierScore against PyTorch 1.13', () => {
  it('matches ((p − one_hot(y)) ** 2).sum(-1).mean() on 300 rows of 5 classes', () => {
    const logProbabilities = decode(fixture.classification.logProbabilities);
    const labels = tf.tensor1d(fixture.classification.labels, 'int32');
    const brier = brierScore(logProbabilities, labels);
    expect(brier.shape).toEqual([]);
    expectClose(brier, fixture.classification.brier, TOLERANCES.float32, 'brier');
    tf.dispose([logProbabilities, labels, brier]);
  });
});

describe('brierScore refuses', () => {
  it('wrong ranks, shapes, dtypes and no examples, naming the arguments and shapes', () => {
    const logProbabilities = tf.zeros([2, 3]);
    const rank3 = tf.zeros([2, 3, 1]);
    const shortLabels = tf.tensor1d([0], 'int32');
    const floatLabels = tf.tensor1d([0, 1]);
    const noRows = tf.zeros([0, 3]);
    const noLabels = tf.tensor1d([], 'int32');
    expect(() => brierScore(rank3, shortLabels)).toThrow(
      'brierScore: logProbabilities must be [N, C], got [2, 3, 1]',
    );
    expect(() => brierScore(logProbabilities, shortLabels)).toThrow(
      'brierScore: labels [1] must be [N] = [2], one per row of logProbabilities [2, 3]',
    );
    expect(() => brierScore(logProbabilities, floatLabels)).toThrow(
      'brierScore: labels must be int32 class ids, got float32',
    );
    expect(() => brierScore(noRows, noLabels)).toThrow('brierScore: no examples (N = 0)');
    tf.dispose([logProbabilities, rank3, shortLabels, floatLabels, noRows, noLabels]);
  });

  it('labels outside [0, C), unless checkLabels is false', () => {
    const rows = [
      [0.5, 0.5],
      [0.5, 0.5],
    ];
    expect(() => score(rows, [0, 2])).toThrow(
      new RangeError('brierScore: labels must be in [0, 2), found 0 … 2'),
    );
    expect(() => score(rows, [-1, 1])).toThrow('found -1 … 1');
    // Unchecked, label 2 is a row of zeros in the one-hot: Σ_c p_c² = .5 for that row.
    expectClose(score(rows, [0, 2], { checkLabels: false }), 0.5, TOLERANCES.float32);
  });
});
