import { createKey, disposeTree, foldIn, initWeights } from '@bayesrnn/core';
import { createEvaluationBatches } from '@bayesrnn/data';
import { createGaussianPosterior, gaussianPrior } from '@bayesrnn/posteriors';
import { expectClose, expectNoLeaks } from '@bayesrnn/testing';
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { createLanguageModel } from './language-model.js';
import { DEFAULT_LANGUAGE_MODEL_CONFIG } from './lm-config.js';
import { predictiveEntropy } from './predictive-entropy.js';

const model = createLanguageModel({
  ...DEFAULT_LANGUAGE_MODEL_CONFIG,
  vocabSize: 6,
  embeddingSize: 3,
  hiddenSize: 3,
  layers: 1,
  dropout: { method: 'none' },
});
const corpus = Int32Array.from({ length: 41 }, (_, i) => (i * 5 + (i % 3)) % 6);
const windows = createEvaluationBatches(corpus, { batchSize: 2, steps: 4 });

describe('predictiveEntropy', () => {
  it('with all-zero weights the predictive is uniform: entropy log V', async () => {
    const zeros = Object.fromEntries(
      Object.entries(model.weightSpecs).map(([name, spec]) => [name, tf.zeros([...spec.shape])]),
    );
    const result = await predictiveEntropy(model, zeros, windows);
    expectClose(result.entropy, Math.log(6), { rtol: 1e-5, atol: 1e-6 });
    // 41 tokens → 2 streams of 20 → 19 predictions each.
    expect(result.tokens).toBe(38);
    disposeTree(Object.values(zeros));
  });

  it('equals −Σ p log p of the softmax, computed by hand on the host', async () => {
    const weights = initWeights(model.weightSpecs, createKey(2));
    const state = model.initialState(2);
    const { inputs, steps } = windows.window(0);
    const window = model.startWindow({ key: createKey(0), batchSize: 2, steps, training: false });
    const forward = model.forward(weights, tf.tensor2d(inputs, [2, steps], 'int32'), state, window);
    const probabilities = tf.softmax(forward.logits).arraySync() as number[][];
    const first = probabilities.reduce(
      (sum, row) => sum - row.reduce((s, p) => s + p * Math.log(p), 0),
      0,
    );
    const oneWindow = { ...windows, windowCount: 1 };
    const result = await predictiveEntropy(model, weights, oneWindow);
    expectClose(result.entropy, first / (2 * steps), { rtol: 1e-5, atol: 1e-6 });
    disposeTree([state, forward.logits, forward.state, Object.values(weights)]);
  });

  it('the entropy of K averaged draws is at least their mean entropy, and leaks nothing', async () => {
    const posterior = createGaussianPosterior({
      specs: model.weightSpecs,
      key: createKey(3),
      prior: gaussianPrior(1),
      initialSigma: () => [0.5, 1],
    });
    // Entropy is concave: H(mean of p_s) ≥ mean of H(p_s), per token and so on average; with
    // σ ≈ 0.75 on every weight the draws disagree and the gap is clear. Pass s draws with
    // foldIn(foldIn(key, s), 'weights').
    const key = createKey(4);
    let single = 0;
    for (let s = 0; s < 4; s += 1) {
      const draw = posterior.draw(foldIn(foldIn(key, s), 'weights'), { training: false });
      single += (await predictiveEntropy(model, draw.weights, windows)).entropy / 4;
      disposeTree([draw.kl, Object.values(draw.weights)]);
    }
    await expectNoLeaks(async () => {
      const mixed = await predictiveEntropy(model, posterior, windows, { samples: 4, key });
      expect(mixed.samples).toBe(4);
      expect(mixed.entropy).toBeGreaterThan(single + 0.01);
    });
  });
});
