import { checkLeaksAfterEachTest, decode, expectClose, TOLERANCES } from '@bayesrnn/testing';
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import fixture from './__fixtures__/uncertainty-reference.json' with { type: 'json' };
import { mutualInformation, uncertaintyDecomposition } from './mutual-information.js';

checkLeaksAfterEachTest();

/** `[K, N, C]` log-probabilities from probabilities; tf.log(0) is −∞. */
const logOf = (samples: number[][][]): tf.Tensor => tf.tidy(() => tf.log(tf.tensor3d(samples)));

describe('mutualInformation and uncertaintyDecomposition by hand', () => {
  // K = 2 samples of N = 3 examples, C = 2 classes. In every example p̄ = [.5, .5]: total ln 2.
  //   example 0: [1, 0] and [0, 1]       certain, disagreeing: aleatoric 0, epistemic ln 2
  //   example 1: [.5, .5] and [.5, .5]   agreeing, unsure:     aleatoric ln 2, epistemic 0
  //   example 2: [.9, .1] and [.1, .9]   H = −.9 ln .9 − .1 ln .1 = 0.325083 for each:
  //                                      aleatoric 0.325083, epistemic 0.693147 − 0.325083
  //                                      = 0.368064
  const samples = [
    [
      [1, 0],
      [0.5, 0.5],
      [0.9, 0.1],
    ],
    [
      [0, 1],
      [0.5, 0.5],
      [0.1, 0.9],
    ],
  ];
  const h = -0.9 * Math.log(0.9) - 0.1 * Math.log(0.1);

  it('splits the predictive entropy into aleatoric and epistemic parts', () => {
    const logProbabilities = logOf(samples);
    const parts = uncertaintyDecomposition(logProbabilities);
    expectClose(parts.total, [Math.LN2, Math.LN2, Math.LN2], TOLERANCES.float32, 'total');
    expectClose(parts.aleatoric, [0, Math.LN2, h], TOLERANCES.float32, 'aleatoric');
    expectClose(parts.epistemic, [Math.LN2, 0, Math.LN2 - h], TOLERANCES.float32, 'epistemic');
    const information = mutualInformation(logProbabilities);
    expectClose(information, parts.epistemic, { rtol: 0, atol: 0 }, 'mutualInformation');
    tf.dispose([logProbabilities, parts, information]);
  });

  it('is 0, never below, for identical samples, and for K = 1', () => {
    // Five copies of each of the 300 fixture rows: p̄ = p, so H[p̄] = mean_k H[p_k] and I = 0.
    // In float32 the two entropies differ by an ulp or so either way (on the cpu backend about
    // one row in ten comes out near −3e−8); the clamp makes those 0.
    const rows = decode(fixture.classification.logProbabilities);
    const identical = tf.stack([rows, rows, rows, rows, rows]);
    const single = tf.expandDims(rows, 0);
    for (const logProbabilities of [identical, single]) {
      const information = mutualInformation(logProbabilities);
      const values = [...information.dataSync()];
      expect(Math.min(...values)).toBeGreaterThanOrEqual(0);
      expect(Math.max(...values)).toBeLessThan(1e-6);
      information.dispose();
    }
    tf.dispose([rows, identical, single]);
  });
});

describe('mutualInformation with no examples', () => {
  it('gives [0] for [K, 0, C], like categoricalEntropy', () => {
    const empty = tf.zeros([2, 0, 3]);
    const information = mutualInformation(empty);
    expect(information.shape).toEqual([0]);
    tf.dispose([empty, information]);
  });
});

describe('mutualInformation against PyTorch 1.13', () => {
  it('matches H[Categorical(probs=p̄)] − mean_k H[Categorical(logits=…)] on K 8, N 40, C 6', () => {
    const logProbabilities = decode(fixture.samples.sampleLogProbabilities);
    const parts = uncertaintyDecomposition(logProbabilities);
    expect(parts.epistemic.shape).toEqual([40]);
    expectClose(parts.total, fixture.samples.total, TOLERANCES.float32, 'total');
    expectClose(parts.aleatoric, fixture.samples.aleatoric, TOLERANCES.float32, 'aleatoric');
    // torch's example 0 (identical samples) is −2e−16; ours is clamped to 0: both within atol.
    expectClose(
      parts.epistemic,
      fixture.samples.mutualInformation,
      TOLERANCES.float32,
      'mutual information',
    );
    tf.dispose([logProbabilities, parts]);
  });
});

describe('mutualInformation refuses', () => {
  it('another rank, a non-float32 dtype, no samples and no classes, naming the shapes', () => {
    const rank2 = tf.zeros([3, 4]);
    const ints = tf.zeros([2, 3, 4], 'int32');
    const noSamples = tf.zeros([0, 3, 4]);
    const noClasses = tf.zeros([2, 3, 0]);
    expect(() => mutualInformation(rank2)).toThrow(
      'mutualInformation: sampleLogProbabilities must be [K, N, C], got [3, 4]',
    );
    expect(() => mutualInformation(ints)).toThrow(
      'mutualInformation: sampleLogProbabilities must be float32 log-probabilities, got int32',
    );
    expect(() => uncertaintyDecomposition(noSamples)).toThrow(
      'uncertaintyDecomposition: sampleLogProbabilities [0, 3, 4] has no samples (K = 0)',
    );
    expect(() => mutualInformation(noClasses)).toThrow(
      'mutualInformation: sampleLogProbabilities [2, 3, 0] has no classes (C = 0)',
    );
    tf.dispose([rank2, ints, noSamples, noClasses]);
  });
});
