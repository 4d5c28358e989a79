import { expectClose, expectNoLeaks, TOLERANCES } from '@bayesrnn/testing';
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import {
  averageProbabilities,
  createProbabilityAverager,
  logAddExp,
} from './average-probabilities.js';

/** expectClose, but an expected ±∞ must be matched exactly (∞ − ∞ is NaN, never "close"). */
function expectCloseWithInfinities(actual: tf.Tensor, expected: number[]): void {
  const values = [...actual.dataSync()];
  const finite = expected.map((value) => Number.isFinite(value));
  expected.forEach((value, index) => {
    if (!finite[index]) expect(values[index]).toBe(value);
  });
  expectClose(
    values.filter((_, index) => finite[index]),
    expected.filter((_, index) => finite[index]),
  );
}

const logOf = (rows: number[][]): tf.Tensor => tf.tidy(() => tf.log(tf.tensor2d(rows)));

describe('averageProbabilities', () => {
  it('is the log of the mean of probabilities, not the mean of log-probabilities', async () => {
    await expectNoLeaks(() => {
      // Two confident, disagreeing samples: the mixture is [.5, .5].
      const first = logOf([[0.9, 0.1]]);
      const second = logOf([[0.1, 0.9]]);
      const average = averageProbabilities([first, second]);
      expectClose(average, [Math.log(0.5), Math.log(0.5)]); // −0.693 each
      const meanOfLogs = (Math.log(0.9) + Math.log(0.1)) / 2; // −1.204: a different number
      expect(Math.abs((average.dataSync()[0] ?? 0) - meanOfLogs)).toBeGreaterThan(0.5);
      tf.dispose([first, second, average]);
    });
  });

  it('stays finite where exp underflows, and gives −∞ for probability zero (no NaN)', async () => {
    await expectNoLeaks(() => {
      const first = tf.tensor1d([-1000, Number.NEGATIVE_INFINITY, 0]);
      const second = tf.tensor1d([-1001, Number.NEGATIVE_INFINITY, Number.NEGATIVE_INFINITY]);
      const average = averageProbabilities([first, second]);
      const expected = [
        -1000 + Math.log((1 + Math.exp(-1)) / 2),
        Number.NEGATIVE_INFINITY,
        Math.log(0.5),
      ];
      expectCloseWithInfinities(average, expected);
      tf.dispose([first, second, average]);
    });
  });

  it('with K = 1 returns the input, and refuses no input or mixed shapes', () => {
    const only = logOf([[0.25, 0.75]]);
    const same = averageProbabilities([only]);
    expectClose(same, only);
    const other = tf.zeros([1, 3]);
    expect(() => averageProbabilities([])).toThrow(
      'averageProbabilities: no log-probability tensors given',
    );
    expect(() => averageProbabilities([only, other])).toThrow(
      'averageProbabilities: tensor 1 has shape [1, 3], tensor 0 [1, 2]',
    );
    tf.dispose([only, same, other]);
  });
});

describe('logAddExp', () => {
  it('adds probabilities in log space without overflow or NaN', async () => {
    await expectNoLeaks(() => {
      const a = tf.tensor1d([0, Number.NEGATIVE_INFINITY, 1000, -5]);
      const b = tf.tensor1d([0, Number.NEGATIVE_INFINITY, 1000, Number.NEGATIVE_INFINITY]);
      const sum = logAddExp(a, b);
      expectCloseWithInfinities(sum, [Math.LN2, Number.NEGATIVE_INFINITY, 1000 + Math.LN2, -5]);
      tf.dispose([a, b, sum]);
    });
  });
});

describe('createProbabilityAverager', () => {
  const passes = [[[0.7, 0.2, 0.1]], [[0.1, 0.1, 0.8]], [[0.3, 0.4, 0.3]]];

  it('matches averageProbabilities pass by pass and frees its running sum', async () => {
    await expectNoLeaks(() => {
      const averager = createProbabilityAverager();
      for (const pass of passes) {
        const logProbabilities = logOf(pass);
        averager.add(logProbabilities);
        logProbabilities.dispose(); // the averager keeps its own copy
      }
      expect(averager.count).toBe(3);
      const mean = averager.logMean();
      expectClose(mean, [Math.log(1.1 / 3), Math.log(0.7 / 3), Math.log(1.2 / 3)]);
      mean.dispose();
      averager.dispose();
      expect(averager.count).toBe(0);
    });
  });

  it('keeps its running sum alive through an enclosing tf.tidy', () => {
    const averager = createProbabilityAverager();
    tf.tidy(() => {
      averager.add(logOf(passes[0] ?? []));
      averager.add(logOf(passes[1] ?? []));
    });
    const mean = averager.logMean();
    expectClose(mean, [Math.log(0.4), Math.log(0.15), Math.log(0.45)], TOLERANCES.float32);
    tf.dispose(mean);
    averager.dispose();
  });

  it('refuses a mean of nothing and a pass of another shape', () => {
    const averager = createProbabilityAverager();
    expect(() => averager.logMean()).toThrow('ProbabilityAverager.logMean: nothing added yet');
    const first = tf.zeros([2, 3]);
    const other = tf.zeros([3, 2]);
    averager.add(first);
    expect(() => averager.add(other)).toThrow('ProbabilityAverager.add: tensor 1 has shape [3, 2]');
    tf.dispose([first, other]);
    averager.dispose();
  });
});
