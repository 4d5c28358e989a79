import { createKey, disposeTree, initWeights } from '@bayesrnn/core';
import { createGaussianPosterior, gaussianPrior } from '@bayesrnn/posteriors';
import type { Weights } from '@bayesrnn/spec';
import { checkLeaksAfterEachTest, expectClose } from '@bayesrnn/testing';
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, describe, expect, it } from 'vitest';
import {
  containsThreeProblem,
  makeEvaluationSource,
} from './__fixtures__/classification-batches.js';
import {
  DEFAULT_SENTENCE_CLASSIFIER_CONFIG,
  type SentenceClassifierConfig,
} from './classifier-config.js';
import { evaluateClassifier, evaluateClassifierEnsemble } from './evaluate-classifier.js';
import { createSentenceClassifier } from './sentence-classifier.js';

checkLeaksAfterEachTest();

const config: SentenceClassifierConfig = {
  ...DEFAULT_SENTENCE_CLASSIFIER_CONFIG,
  vocabSize: 8,
  embeddingSize: 4,
  hiddenSize: 5,
  classes: 3,
  // Large weights: confident, different members, so averaging visibly changes the scores.
  initScale: 1,
  forgetBias: 0,
};
const model = createSentenceClassifier(config);
const problem = containsThreeProblem(23, 8, 3);
const labels = problem.sentences.map((s) => s.length % 3);
const source = makeEvaluationSource(problem.sentences, labels, 5);
const members: Weights[] = [1, 2].map((seed) => initWeights(model.weightSpecs, createKey(seed)));
const ensemble = {
  count: members.length,
  load: async (index: number): Promise<Weights> =>
    Object.fromEntries(Object.entries(members[index] ?? {}).map(([n, t]) => [n, tf.clone(t)])),
};
afterAll(() => disposeTree(members.map((member) => Object.values(member))));

/** Softmax probabilities `[examples, classes]` of every batch under `weights`, masks off. */
function probabilities(weights: Weights): tf.Tensor2D {
  return tf.tidy(() => {
    const batches = Array.from({ length: source.batches }, (_, index) =>
      tf.softmax(
        model.logits(weights, source.batch(index), { key: createKey(0), training: false }),
      ),
    );
    return tf.concat(batches, 0) as tf.Tensor2D;
  });
}

/**
 * Error in %, mean NLL, Brier score and ECE in % (15 bins `((b−1)/15, b/15]`) of probabilities
 * `[examples, classes]`, computed by hand.
 */
function scoresOf(p: tf.Tensor2D): { error: number; nll: number; brier: number; ece: number } {
  const values = p.arraySync();
  let wrong = 0;
  let nll = 0;
  let brier = 0;
  const bins = Array.from({ length: 15 }, () => ({ count: 0, confidence: 0, hits: 0 }));
  values.forEach((row, i) => {
    const label = labels[i] ?? 0;
    const confidence = Math.max(...row);
    const best = row.indexOf(confidence);
    if (best !== label) wrong += 1;
    nll -= Math.log(row[label] ?? Number.NaN);
    brier += row.reduce((sum, value, c) => sum + (value - (c === label ? 1 : 0)) ** 2, 0);
    const bin = bins[Math.max(0, Math.ceil(confidence * 15) - 1)];
    if (bin !== undefined) {
      bin.count += 1;
      bin.confidence += confidence;
      bin.hits += best === label ? 1 : 0;
    }
  });
  const n = values.length;
  const ece = bins.reduce(
    (sum, b) => sum + (b.count === 0 ? 0 : Math.abs(b.hits - b.confidence) / n),
    0,
  );
  return { error: (100 * wrong) / n, nll: nll / n, brier: brier / n, ece: 100 * ece };
}

describe('evaluateClassifierEnsemble', () => {
  it('equals hand-averaging the members’ softmax outputs (Gan et al. eq. 5)', async () => {
    const [first, second] = members.map(probabilities) as [tf.Tensor2D, tf.Tensor2D];
    const mean = tf.tidy(() => tf.div(tf.add(first, second), 2) as tf.Tensor2D);
    const expected = scoresOf(mean);
    const seen: number[] = [];
    const result = await evaluateClassifierEnsemble(model, ensemble, source, {
      onMember: (done) => seen.push(done),
    });
    expect(seen).toEqual([1, 2]);
    expect(result.examples).toBe(23);
    expectClose(result.nll, expected.nll, { rtol: 1e-5, atol: 1e-6 }, 'nll');
    expect(result.error).toBe(expected.error);
    expectClose(result.brier, expected.brier, { rtol: 1e-5, atol: 1e-6 }, 'brier');
    expectClose(result.ece, expected.ece, { rtol: 1e-4, atol: 1e-4 }, 'ece');
    expect(result.memberErrors).toEqual([scoresOf(first).error, scoresOf(second).error]);
    expect(result.averagedErrors).toEqual([scoresOf(first).error, expected.error]);
    // The mean of probabilities, not of log-probabilities (a geometric mean, lower by Jensen).
    const geometric = tf.tidy(() => {
      const logMean = tf.div(tf.add(tf.log(first), tf.log(second)), 2);
      return tf.neg(tf.mean(tf.sum(tf.mul(logMean, tf.oneHot(labels, 3)), 1))).dataSync()[0];
    });
    expect(result.nll).toBeLessThan(geometric ?? 0);
    disposeTree([first, second, mean]);
  });

  it('each member alone equals evaluateClassifier on its weights', async () => {
    const result = await evaluateClassifierEnsemble(model, ensemble, source);
    for (const [index, weights] of members.entries()) {
      const alone = await evaluateClassifier(model, weights, source, { key: createKey(0) });
      expect(result.memberErrors[index]).toBe(alone.error);
    }
  });

  it('refuses an empty ensemble', async () => {
    await expect(
      evaluateClassifierEnsemble(model, { count: 0, load: ensemble.load }, source),
    ).rejects.toThrow('no member');
  });
});

describe('evaluateClassifier', () => {
  const weights = members[0] as Weights;

  it('one deterministic pass: the scores of the softmax, whatever the key', async () => {
    const p = probabilities(weights);
    const expected = scoresOf(p);
    p.dispose();
    const result = await evaluateClassifier(model, weights, source, { key: createKey(4) });
    expect(result.examples).toBe(23);
    expect(result.error).toBe(expected.error);
    expectClose(result.accuracy, 100 - expected.error, { rtol: 0, atol: 1e-9 });
    expectClose(result.nll, expected.nll, { rtol: 1e-5, atol: 1e-6 });
    expectClose(result.brier, expected.brier, { rtol: 1e-5, atol: 1e-6 }, 'brier');
    expectClose(result.ece, expected.ece, { rtol: 1e-4, atol: 1e-4 }, 'ece');
  });

  it('MC with K = 1, or K = 3 and dropout off, equals the deterministic pass', async () => {
    const deterministic = await evaluateClassifier(model, weights, source, { key: createKey(4) });
    const one = await evaluateClassifier(model, weights, source, { key: createKey(5), samples: 1 });
    expect(one).toEqual(deterministic);
    const three = await evaluateClassifier(model, weights, source, {
      key: createKey(5),
      samples: 3,
    });
    expect(three.error).toBe(deterministic.error);
    expectClose(three.nll, deterministic.nll, { rtol: 1e-5, atol: 1e-6 });
  });

  it('MC dropout: K passes with fresh masks, averaged; the same key gives the same scores', async () => {
    const dropout = createSentenceClassifier({
      ...config,
      dropout: { method: 'naive', rate: 0.5 },
    });
    const run = (seed: number, samples: number) =>
      evaluateClassifier(dropout, weights, source, { key: createKey(seed), samples });
    const deterministic = await run(1, 1);
    const mc = await run(1, 4);
    expect(await run(1, 4)).toEqual(mc);
    expect(mc.nll).not.toBe(deterministic.nll);
    expect((await run(2, 4)).nll).not.toBe(mc.nll);
    const progress: number[] = [];
    await evaluateClassifier(dropout, weights, source, {
      key: createKey(1),
      samples: 2,
      onProgress: (done, total) => progress.push(done / total),
    });
    expect(progress).toHaveLength(2 * source.batches);
    expect(progress.at(-1)).toBe(1);
  });

  it('a weight source: its mean for one pass, a fresh draw per pass for K > 1', async () => {
    const posterior = createGaussianPosterior({
      specs: model.weightSpecs,
      key: createKey(8),
      prior: gaussianPrior(0.5),
    });
    const mean = posterior.mean();
    const fromSource = await evaluateClassifier(model, posterior, source, { key: createKey(0) });
    const fromMean = await evaluateClassifier(model, mean, source, { key: createKey(0) });
    expect(fromSource).toEqual(fromMean);
    const sampled = await evaluateClassifier(model, posterior, source, {
      key: createKey(0),
      samples: 3,
    });
    expect(sampled.nll).not.toBe(fromMean.nll);
    disposeTree([Object.values(mean), Object.values(posterior.variables)]);
  });
});
