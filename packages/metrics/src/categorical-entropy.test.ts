import { checkLeaksAfterEachTest, decode, expectClose, TOLERANCES } from '@bayesrnn/testing';
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import fixture from './__fixtures__/uncertainty-reference.json' with { type: 'json' };
import { categoricalEntropy } from './categorical-entropy.js';

checkLeaksAfterEachTest();

/** Log-probabilities from probabilities; tf.log(0) is −∞. */
const logOf = (rows: number[][]): tf.Tensor => tf.tidy(() => tf.log(tf.tensor2d(rows)));

/** Runs the metric on `rows`, returns its values and disposes everything. */
function entropies(rows: number[][]): Float32Array {
  const logProbabilities = logOf(rows);
  const entropy = categoricalEntropy(logProbabilities);
  const values = entropy.dataSync() as Float32Array;
  tf.dispose([logProbabilities, entropy]);
  return values;
}

describe('categoricalEntropy by hand', () => {
  it('is −Σ_c p_c log p_c per row, in nats', () => {
    // [.25, .25, .25, .25]: 4 · (−.25 ln .25) = ln 4                            = 1.386294
    // [.5, .25, .25, 0]:    .5 ln 2 + 2 · .25 ln 4 = 1.5 ln 2 (0 log 0 = 0)       = 1.039721
    // [.7, .1, .1, .1]:     −.7 ln .7 − 3 · .1 ln .1 = 0.249672 + 0.690776        = 0.940448
    const values = entropies([
      [0.25, 0.25, 0.25, 0.25],
      [0.5, 0.25, 0.25, 0],
      [0.7, 0.1, 0.1, 0.1],
    ]);
    const expected = [Math.log(4), 1.5 * Math.LN2, -0.7 * Math.log(0.7) - 0.3 * Math.log(0.1)];
    expectClose(values, expected, TOLERANCES.float32);
  });

  it('is exactly 0 for a one-hot prediction: 0 · log 0 = 0, not NaN, and not −0', () => {
    // [1, 0, 0]: log-probabilities [0, −∞, −∞]; [0, −200, −200]: exp(−200) underflows to 0.
    const logProbabilities = tf.tensor2d([
      [0, Number.NEGATIVE_INFINITY, Number.NEGATIVE_INFINITY],
      [0, -200, -200],
    ]);
    const entropy = categoricalEntropy(logProbabilities);
    expect([...entropy.dataSync()]).toEqual([0, 0]);
    expect(Object.is(entropy.dataSync()[0], 0)).toBe(true);
    tf.dispose([logProbabilities, entropy]);
  });

  it('keeps a NaN input NaN, and gives [0] for no examples', () => {
    expect(Number.isNaN(entropies([[Number.NaN, 0.5]])[0])).toBe(true);
    const empty = tf.zeros([0, 3]);
    const entropy = categoricalEntropy(empty);
    expect(entropy.shape).toEqual([0]);
    tf.dispose([empty, entropy]);
  });
});

describe('categoricalEntropy against PyTorch 1.13', () => {
  it('matches Categorical(logits=…).entropy() on 300 random rows of 5 classes', () => {
    const logProbabilities = decode(fixture.classification.logProbabilities);
    const entropy = categoricalEntropy(logProbabilities);
    expect(entropy.shape).toEqual([300]);
    expectClose(entropy, fixture.classification.entropy, TOLERANCES.float32, 'entropy');
    tf.dispose([logProbabilities, entropy]);
  });
});

describe('categoricalEntropy refuses', () => {
  it('another rank, a non-float32 dtype, and no classes, naming the shapes', () => {
    const rank3 = tf.zeros([2, 3, 4]);
    const ints = tf.zeros([2, 3], 'int32');
    const noClasses = tf.zeros([2, 0]);
    expect(() => categoricalEntropy(rank3)).toThrow(
      'categoricalEntropy: logProbabilities must be [N, C], got [2, 3, 4]',
    );
    expect(() => categoricalEntropy(ints)).toThrow(
      'categoricalEntropy: logProbabilities must be float32 log-probabilities, got int32',
    );
    expect(() => categoricalEntropy(noClasses)).toThrow(
      'categoricalEntropy: logProbabilities [2, 0] has no classes (C = 0)',
    );
    tf.dispose([rank3, ints, noClasses]);
  });
});
