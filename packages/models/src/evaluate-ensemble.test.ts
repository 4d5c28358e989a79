import { createKey, disposeTree, initWeights } from '@bayesrnn/core';
import { createEvaluationBatches } from '@bayesrnn/data';
import type { Weights } from '@bayesrnn/spec';
import { expectClose, expectNoLeaks } from '@bayesrnn/testing';
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { evaluateEnsemble } from './evaluate-ensemble.js';
import { evaluateLanguageModel } from './evaluate-language-model.js';
import { createLanguageModel } from './language-model.js';
import { DEFAULT_LANGUAGE_MODEL_CONFIG } from './lm-config.js';
import { createRunningPredictive } from './running-predictive.js';

describe('createRunningPredictive', () => {
  it('averages probabilities, not log-probabilities (hand-made case)', () => {
    // One token, two members: p = 0.9 and p = 0.1. Mean of probabilities 0.5 → NLL log 2;
    // the mean of log-probabilities (a geometric mean, Torch's PTB code) would give
    // −(log 0.9 + log 0.1)/2 = 1.204.
    const predictive = createRunningPredictive();
    predictive.add(0, Float32Array.of(Math.log(0.9)));
    predictive.endMember();
    expectClose(predictive.lastMemberNll(), -Math.log(0.9), { rtol: 1e-6, atol: 1e-7 });
    predictive.add(0, Float32Array.of(Math.log(0.1)));
    predictive.endMember();
    const { nll, tokens } = predictive.nll();
    expect(tokens).toBe(1);
    expectClose(nll, Math.log(2), { rtol: 1e-6, atol: 1e-7 });
    expect(Math.abs(nll - -(Math.log(0.9) + Math.log(0.1)) / 2)).toBeGreaterThan(0.5);
  });
});

describe('evaluateEnsemble', () => {
  const model = createLanguageModel({
    ...DEFAULT_LANGUAGE_MODEL_CONFIG,
    vocabSize: 6,
    embeddingSize: 4,
    hiddenSize: 4,
    layers: 1,
    initScale: 1,
  });
  const corpus = Int32Array.from({ length: 61 }, (_, i) => (i * 7 + (i % 5)) % 6);
  const windows = createEvaluationBatches(corpus, { batchSize: 3, steps: 5 });
  const members: Weights[] = [1, 2, 3].map((seed) =>
    initWeights(model.weightSpecs, createKey(seed)),
  );
  const ensemble = {
    count: members.length,
    load: async (i: number) =>
      Object.fromEntries(Object.entries(members[i] as Weights).map(([n, t]) => [n, tf.clone(t)])),
  };

  it('reports each member, the running average, and beats the mean member', async () => {
    const result = await evaluateEnsemble(model, ensemble, windows);
    for (const [i, weights] of members.entries()) {
      const alone = await evaluateLanguageModel(model, weights, windows);
      expectClose(result.memberPerplexities[i] ?? Number.NaN, alone.perplexity, {
        rtol: 1e-6,
        atol: 1e-6,
      });
    }
    expect(result.averagedPerplexities).toHaveLength(3);
    expectClose(
      result.averagedPerplexities[0] ?? Number.NaN,
      result.memberPerplexities[0] ?? Number.NaN,
      {
        rtol: 1e-9,
        atol: 0,
      },
    );
    expect(result.averagedPerplexities[2]).toBe(result.perplexity);
    // Jensen: the NLL of the averaged predictive is at most the members' mean NLL.
    const meanNll = result.memberPerplexities.reduce((sum, p) => sum + Math.log(p), 0) / 3;
    expect(result.nll).toBeLessThanOrEqual(meanNll);
  });

  it('leaks nothing', async () => {
    await expectNoLeaks(async () => {
      await evaluateEnsemble(model, ensemble, windows);
    });
    disposeTree(members.map((m) => Object.values(m)));
  });
});
