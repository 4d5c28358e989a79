import { createKey, disposeTree, initWeights } from '@bayesrnn/core';
import { tokenNll } from '@bayesrnn/metrics';
import type { Weights } from '@bayesrnn/spec';
import {
  checkLeaksAfterEachTest,
  decode,
  decodeAll,
  type EncodedTensor,
  expectClose,
  expectGradientsMatch,
  TOLERANCES,
} from '@bayesrnn/testing';
import * as tf from '@tensorflow/tfjs-core';
import { describe, it } from 'vitest';
import { DROPOUT_CASES } from '../__fixtures__/dropout-cases.js';
import { expectFixtureGradients, expectFixtureShapes } from '../__fixtures__/reference-checks.js';
import { makeBatch } from './__fixtures__/classification-batches.js';
import fixture from './__fixtures__/sentence-classifier.json' with { type: 'json' };
import type { ClassificationBatch } from './classification-batch.js';
import {
  DEFAULT_SENTENCE_CLASSIFIER_CONFIG,
  type SentenceClassifierConfig,
} from './classifier-config.js';
import { createSentenceClassifier, type SentenceClassifier } from './sentence-classifier.js';

checkLeaksAfterEachTest();

const reference: SentenceClassifierConfig = {
  ...DEFAULT_SENTENCE_CLASSIFIER_CONFIG,
  ...fixture.config,
  forgetBias: 0,
};
const batch: ClassificationBatch = {
  rows: fixture.batch.rows,
  steps: fixture.batch.steps,
  tokens: Int32Array.from(fixture.batch.tokens),
  lengths: Int32Array.from(fixture.batch.lengths),
  labels: Int32Array.from(fixture.batch.labels),
};
const encodedWeights = fixture.weights as Record<string, EncodedTensor>;

/** The mean cross-entropy over the batch's rows: the task's data term. */
function meanLoss(
  model: SentenceClassifier,
  weights: Weights,
  on: ClassificationBatch,
  options = { key: createKey(0), training: false },
): tf.Scalar {
  return tf.tidy(() => {
    const logits = model.logits(weights, on, options);
    return tf.mean(tokenNll(logits, tf.tensor1d(on.labels, 'int32'))) as tf.Scalar;
  });
}

describe('sentence classifier against PyTorch (float64 reference, packed biLSTM)', () => {
  const model = createSentenceClassifier(reference);

  it('declares exactly the fixture’s weights, with their shapes', () => {
    expectFixtureShapes(model.weightSpecs, encodedWeights);
  });

  it('matches the logits and the mean cross-entropy', () => {
    const weights = decodeAll(encodedWeights);
    const logits = model.logits(weights, batch, { key: createKey(0), training: false });
    const expected = decode(fixture.logits);
    expectClose(logits, expected, TOLERANCES.reference, 'logits');
    const loss = meanLoss(model, weights, batch);
    expectClose(loss, fixture.loss, TOLERANCES.reference, 'loss');
    disposeTree([logits, expected, loss, Object.values(weights)]);
  });

  it('matches the gradient of the loss with respect to every weight', () => {
    const gradients = fixture.gradients as Record<string, EncodedTensor>;
    expectFixtureGradients(model.weightSpecs, encodedWeights, gradients, (weights) =>
      meanLoss(model, weights, batch),
    );
  });
});

describe('finite differences', () => {
  const sentences = [[1, 5, 2, 6], [4], [0, 3, 3]];
  const on = makeBatch(sentences, [2, 0, 1], 6);

  it.each([
    ['bidirectional LSTM, no dropout', {}],
    ['unidirectional GRU', { cell: 'gru' as const, bidirectional: false }],
    ...DROPOUT_CASES,
  ])('%s: the analytic gradient of the mean loss', (_, override) => {
    const model = createSentenceClassifier({
      ...reference,
      ...override,
      initScale: 0.5,
      forgetBias: 1,
    });
    const weights = initWeights(model.weightSpecs, createKey(11));
    const options = { key: createKey(5), training: true };
    expectGradientsMatch((inputs) => meanLoss(model, inputs, on, options), weights, {
      maxElementsPerInput: 12,
    });
    disposeTree(Object.values(weights));
  });
});
