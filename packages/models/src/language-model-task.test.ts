import { createKey, disposeTree, initWeights } from '@bayesrnn/core';
import { createTbpttBatches } from '@bayesrnn/data';
import * as tf from '@tensorflow/tfjs-core';
import { expect, it } from 'vitest';
import { createLanguageModel } from './language-model.js';
import { createLanguageModelTask } from './language-model-task.js';
import { DEFAULT_LANGUAGE_MODEL_CONFIG } from './lm-config.js';

/** A 1 × 4 LSTM over 7 words, point variables, and 40 tokens in 2 × 5 windows. */
function tinySetup() {
  const model = createLanguageModel({
    ...DEFAULT_LANGUAGE_MODEL_CONFIG,
    vocabSize: 7,
    embeddingSize: 4,
    hiddenSize: 4,
    layers: 1,
  });
  const initial = initWeights(model.weightSpecs, createKey(1));
  const variables = Object.fromEntries(
    Object.entries(initial).map(([name, value]) => [name, tf.variable(value)]),
  );
  const corpus = Int32Array.from({ length: 40 }, (_, i) => (i * 3) % 7);
  const train = createTbpttBatches(corpus, { batchSize: 2, steps: 5 });
  return { model, initial, variables, train };
}

it("scales the window loss as Zaremba's: summed over steps, averaged over the batch", () => {
  const tensorsBefore = tf.memory().numTensors;
  const { model, initial, variables, train } = tinySetup();
  const task = createLanguageModelTask({ model, variables, train });
  const state = task.initialState();
  const result = task.windowLoss(0, state, { key: createKey(2), epoch: 0, step: 1 });
  const nll = result.parts?.nll?.dataSync()[0] ?? Number.NaN;
  expect(result.loss.dataSync()[0]).toBeCloseTo(5 * nll, 4);
  expect(result.tokens).toBe(10);
  // An untrained model is near uniform over the 7 words.
  expect(Math.exp(nll)).toBeGreaterThan(5);
  expect(Math.exp(nll)).toBeLessThan(9);
  disposeTree([
    result.loss,
    result.state,
    state,
    Object.values(result.parts ?? {}),
    Object.values(initial),
    Object.values(variables),
  ]);
  // The window loss leaves only what it returns (loss, parts, state), all disposed above.
  expect(tf.memory().numTensors).toBe(tensorsBefore);
});

it('resetStateEachWindow starts every window from the zero state', () => {
  const tensorsBefore = tf.memory().numTensors;
  const { model, initial, variables, train } = tinySetup();
  const context = { key: createKey(2), epoch: 0, step: 1 };
  const lossFrom = (reset: boolean, state: ReturnType<typeof model.initialState>) => {
    const task = createLanguageModelTask({ model, variables, train, resetStateEachWindow: reset });
    const result = task.windowLoss(1, state, context);
    const value = result.loss.dataSync()[0];
    disposeTree([result.loss, result.state, Object.values(result.parts ?? {})]);
    return value;
  };
  const carried = { layers: [{ h: tf.fill([2, 4], 0.5), c: tf.fill([2, 4], 0.5) }] };
  const zeros = model.initialState(2);
  expect(lossFrom(true, carried)).toBe(lossFrom(false, zeros));
  expect(lossFrom(false, carried)).not.toBe(lossFrom(false, zeros));
  disposeTree([carried, zeros, Object.values(initial), Object.values(variables)]);
  expect(tf.memory().numTensors).toBe(tensorsBefore);
});
