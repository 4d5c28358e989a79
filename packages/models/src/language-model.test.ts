import { createKey, disposeTree, foldIn, initWeights } from '@bayesrnn/core';
import { createEvaluationBatches } from '@bayesrnn/data';
import { tokenNll } from '@bayesrnn/metrics';
import type { RngKey, Weights } from '@bayesrnn/spec';
import { expectClose, expectGradientsMatch, expectNoLeaks } from '@bayesrnn/testing';
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { evaluateLanguageModel } from './evaluate-language-model.js';
import { createLanguageModel, type LanguageModel } from './language-model.js';
import { DEFAULT_LANGUAGE_MODEL_CONFIG, type LanguageModelConfig } from './lm-config.js';
import { disposeLmWindow } from './lm-window.js';

const small: LanguageModelConfig = {
  ...DEFAULT_LANGUAGE_MODEL_CONFIG,
  vocabSize: 11,
  embeddingSize: 6,
  hiddenSize: 6,
  layers: 2,
  initScale: 0.5,
};
const corpus = Int32Array.from({ length: 61 }, (_, i) => (i * 7 + (i % 3)) % 11);

function setup(config: Partial<LanguageModelConfig> = {}): {
  model: LanguageModel;
  weights: Weights;
} {
  const model = createLanguageModel({ ...small, ...config });
  return { model, weights: initWeights(model.weightSpecs, createKey(3)) };
}

/** Sum of target log-probs of a whole [batch, steps] window run from the zero state. */
function windowLogProb(
  model: LanguageModel,
  weights: Weights,
  inputs: number[][],
  targets: number[],
): number {
  return tf.tidy(() => {
    const window = model.startWindow({
      key: createKey(0),
      batchSize: inputs.length,
      steps: inputs[0]?.length ?? 0,
      training: false,
    });
    const { logits } = model.forward(
      weights,
      tf.tensor2d(inputs, undefined, 'int32'),
      model.initialState(inputs.length),
      window,
    );
    disposeLmWindow(window);
    return (
      tf.neg(tf.sum(tokenNll(logits, tf.tensor1d(targets, 'int32')))).dataSync()[0] ?? Number.NaN
    );
  });
}

describe('language model forward', () => {
  it.each(['lstm', 'gru', 'vanilla'] as const)(
    '%s: logits [batch·steps, vocab] and a state per layer',
    (cell) => {
      const { model, weights } = setup({ cell });
      const window = model.startWindow({
        key: createKey(1),
        batchSize: 2,
        steps: 4,
        training: false,
      });
      const state = model.initialState(2);
      const out = model.forward(
        weights,
        tf.tensor2d(
          [
            [1, 2, 3, 4],
            [5, 6, 7, 8],
          ],
          undefined,
          'int32',
        ),
        state,
        window,
      );
      expect(out.logits.shape).toEqual([8, 11]);
      expect(out.state.layers).toHaveLength(2);
      disposeTree([out.logits, out.state, state]);
      disposeLmWindow(window);
      disposeTree(Object.values(weights));
    },
  );

  it.each(['lstm', 'gru', 'vanilla'] as const)(
    '%s carries the state: two windows of 3 steps equal one window of 6',
    async (cell) => {
      const before = tf.memory().numTensors;
      const { model, weights } = setup({ cell });
      const tokens = [3, 1, 4, 1, 5, 9, 2];
      const whole = windowLogProb(model, weights, [tokens.slice(0, 6)], tokens.slice(1, 7));
      const batches = createEvaluationBatches(Int32Array.from(tokens), { batchSize: 1, steps: 3 });
      const result = await evaluateLanguageModel(model, weights, batches);
      expect(result.tokens).toBe(6);
      expect(result.nll * 6).toBeCloseTo(-whole, 4);
      disposeTree(Object.values(weights));
      expect(tf.memory().numTensors).toBe(before);
    },
  );

  it('ties softmax weights to the embedding when asked', () => {
    const { model } = setup({ tiedEmbeddings: true });
    expect(Object.keys(model.weightSpecs)).not.toContain('softmax/kernel');
    expect(() => createLanguageModel({ ...small, tiedEmbeddings: true, embeddingSize: 4 })).toThrow(
      /tiedEmbeddings needs/,
    );
  });

  it('names the bad option', () => {
    expect(() => createLanguageModel({ ...small, hiddenSize: 0 })).toThrow(
      'LanguageModelConfig.hiddenSize must be a positive integer, got 0',
    );
    expect(() => createLanguageModel({ ...small, dropout: { method: 'naive', rate: 1 } })).toThrow(
      'dropout.rate must be in [0, 1)',
    );
  });

  it('has finite-difference gradients through embedding, cells and softmax', () => {
    const { model, weights } = setup({ layers: 1, vocabSize: 5, embeddingSize: 3, hiddenSize: 3 });
    const loss = (named: Readonly<Record<string, tf.Tensor>>) => {
      const window = model.startWindow({
        key: createKey(0),
        batchSize: 2,
        steps: 3,
        training: false,
      });
      const { logits } = model.forward(
        named,
        tf.tensor2d(
          [
            [0, 1, 2],
            [3, 4, 0],
          ],
          undefined,
          'int32',
        ),
        model.initialState(2),
        window,
      );
      return tf.mean(tokenNll(logits, tf.tensor1d([1, 2, 3, 4, 0, 1], 'int32'))) as tf.Scalar;
    };
    expectGradientsMatch(loss, weights, { maxElementsPerInput: 12 });
    disposeTree(Object.values(weights));
  });
});

describe('dropout in the model', () => {
  const variational = {
    method: 'variational',
    embedding: 0.3,
    input: 0.5,
    recurrent: 0.3,
    output: 0.5,
    tied: false,
  } as const;

  it.each([{ method: 'naive', rate: 0.5 } as const, variational])(
    '%o: masks only in training, same key same logits',
    (dropout) => {
      const { model, weights } = setup({ dropout });
      const inputs = tf.tensor2d([[1, 2, 1, 2]], undefined, 'int32');
      const run = (training: boolean, seed: number) =>
        tf.tidy(() => {
          const window = model.startWindow({
            key: createKey(seed),
            batchSize: 1,
            steps: 4,
            training,
          });
          const out = model.forward(weights, inputs, model.initialState(1), window).logits;
          disposeLmWindow(window);
          return out;
        });
      const evalA = run(false, 1);
      const evalB = run(false, 2);
      const trainA = run(true, 1);
      const trainA2 = run(true, 1);
      const trainB = run(true, 2);
      expectClose(evalA, evalB);
      expectClose(trainA, trainA2);
      expect(() => expectClose(trainA, evalA)).toThrow();
      expect(() => expectClose(trainA, trainB)).toThrow();
      disposeTree([inputs, evalA, evalB, trainA, trainA2, trainB, Object.values(weights)]);
    },
  );

  it('MC evaluation averages probabilities over passes (not log-probabilities)', async () => {
    const { model, weights } = setup({ dropout: variational, layers: 1 });
    const batches = createEvaluationBatches(corpus.slice(0, 9), { batchSize: 1, steps: 8 });
    const key = createKey(5);
    const mc = await evaluateLanguageModel(model, weights, batches, { mcSamples: 3, key });
    // The same three passes by hand, each a single window with its own masks.
    const { inputs, targets } = batches.window(0);
    const perPass = [0, 1, 2].map((pass) =>
      Array.from(passLogProbs(model, weights, inputs, targets, key, pass)),
    );
    const meanOfProbs =
      perPass[0]?.map((_, i) =>
        Math.log(perPass.reduce((s, p) => s + Math.exp(p[i] ?? 0), 0) / 3),
      ) ?? [];
    const meanOfLogs =
      perPass[0]?.map((_, i) => perPass.reduce((s, p) => s + (p[i] ?? 0), 0) / 3) ?? [];
    const expectedNll = -meanOfProbs.reduce((a, b) => a + b, 0) / 8;
    const logMeanNll = -meanOfLogs.reduce((a, b) => a + b, 0) / 8;
    expect(mc.nll).toBeCloseTo(expectedNll, 5);
    expect(Math.abs(mc.nll - logMeanNll)).toBeGreaterThan(1e-4);
    expect(mc.nll).toBeLessThan(logMeanNll); // Jensen: log of the mean ≥ mean of the logs.
    disposeTree(Object.values(weights));
  });

  it('leaks no tensors over training windows and evaluation', async () => {
    const { model, weights } = setup({ dropout: variational });
    const batches = createEvaluationBatches(corpus, { batchSize: 2, steps: 5 });
    await evaluateLanguageModel(model, weights, batches, { mcSamples: 2 });
    await expectNoLeaks(async () => {
      await evaluateLanguageModel(model, weights, batches, { mcSamples: 2 });
      const window = model.startWindow({
        key: createKey(2),
        batchSize: 2,
        steps: 3,
        training: true,
      });
      const state = model.initialState(2);
      const inputs = tf.tensor2d(
        [
          [1, 2, 3],
          [4, 5, 6],
        ],
        undefined,
        'int32',
      );
      const out = model.forward(weights, inputs, state, window);
      disposeTree([inputs, out.logits, out.state, state]);
      disposeLmWindow(window);
    });
    disposeTree(Object.values(weights));
  });
});

function passLogProbs(
  model: LanguageModel,
  weights: Weights,
  inputs: Int32Array,
  targets: Int32Array,
  key: RngKey,
  pass: number,
): Float32Array {
  return tf.tidy(() => {
    const window = model.startWindow({
      key: foldIn(foldIn(key, pass), 0),
      batchSize: 1,
      steps: inputs.length,
      training: true,
    });
    const { logits } = model.forward(
      weights,
      tf.tensor2d(inputs, [1, inputs.length], 'int32'),
      model.initialState(1),
      window,
    );
    disposeLmWindow(window);
    return tf.neg(tokenNll(logits, tf.tensor1d(targets, 'int32'))).dataSync() as Float32Array;
  });
}
