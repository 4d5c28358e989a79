import { createKey, disposeTree, initWeights } from '@bayesrnn/core';
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
import fixture from './__fixtures__/caption-decoder.json' with { type: 'json' };
import type { CaptionBatch } from './caption-batch.js';
import { type CaptionDecoderConfig, DEFAULT_CAPTION_DECODER_CONFIG } from './caption-config.js';
import { type CaptionDecoder, createCaptionDecoder } from './caption-decoder.js';
import { captionNllSum, captionTargetMask } from './caption-task.js';

checkLeaksAfterEachTest();

const reference: CaptionDecoderConfig = {
  ...DEFAULT_CAPTION_DECODER_CONFIG,
  ...fixture.config,
  forgetBias: 0,
};
const batch: CaptionBatch = {
  ...fixture.batch,
  features: Float32Array.from(fixture.batch.features),
  inputs: Int32Array.from(fixture.batch.inputs),
  targets: Int32Array.from(fixture.batch.targets),
  lengths: Int32Array.from(fixture.batch.lengths),
};
const encodedWeights = fixture.weights as Record<string, EncodedTensor>;
const evaluation = { key: createKey(0), training: false };

/** The task's data term: summed NLL of the targets over the captions. */
function perCaptionLoss(
  model: CaptionDecoder,
  weights: Weights,
  on: CaptionBatch,
  options = evaluation,
): tf.Scalar {
  return tf.tidy(() => tf.div(captionNllSum(model, weights, on, options).sum, on.rows));
}

describe('caption decoder against PyTorch (float64 reference, packed LSTM)', () => {
  const model = createCaptionDecoder(reference);

  it('declares exactly the fixture’s weights, with their shapes', () => {
    expectFixtureShapes(model.weightSpecs, encodedWeights);
  });

  it('matches the logits before each caption’s length and the per-caption loss', () => {
    const weights = decodeAll(encodedWeights);
    const { mask } = captionTargetMask(batch);
    const logits = tf.tidy(() =>
      tf.mul(model.logits(weights, batch, evaluation), tf.expandDims(mask, 2)),
    );
    const expected = decode(fixture.logits);
    expectClose(logits, expected, TOLERANCES.reference, 'logits');
    const loss = perCaptionLoss(model, weights, batch);
    expectClose(loss, fixture.loss, TOLERANCES.reference, 'loss');
    disposeTree([logits, expected, loss, mask, Object.values(weights)]);
  });

  it('matches the gradient of the loss with respect to every weight', () => {
    const gradients = fixture.gradients as Record<string, EncodedTensor>;
    expectFixtureGradients(model.weightSpecs, encodedWeights, gradients, (weights) =>
      perCaptionLoss(model, weights, batch),
    );
  });

  it('steps through a caption to the same scores as teacher forcing', () => {
    const weights = decodeAll(encodedWeights);
    const { rows, steps } = batch;
    const features = tf.tensor2d(batch.features, [rows, reference.featureSize]);
    let state = model.begin(weights, features, rows);
    const stepped: tf.Tensor2D[] = [];
    for (let step = 0; step < steps; step += 1) {
      const words = tf.tensor1d(
        Int32Array.from({ length: rows }, (_, row) => batch.inputs[row * steps + step] ?? 0),
        'int32',
      );
      const next = model.step(weights, words, state);
      disposeTree([words, state]);
      stepped.push(next.logits);
      state = next.state;
    }
    const together = tf.stack(stepped, 1);
    const forced = model.logits(weights, batch, evaluation);
    expectClose(together, forced, TOLERANCES.float32, 'stepped logits');
    disposeTree([features, state, stepped, together, forced, Object.values(weights)]);
  });
});

describe('finite differences', () => {
  it.each([
    ['LSTM with image features, no dropout', {}],
    ['blind GRU (no image step)', { cell: 'gru' as const, featureSize: 0 }],
    ...DROPOUT_CASES,
  ])('%s: the analytic gradient of the per-caption loss', (_, override) => {
    const model = createCaptionDecoder({
      ...reference,
      ...override,
      initScale: 0.5,
      forgetBias: 1,
    });
    const on =
      model.config.featureSize === 0
        ? { ...batch, featureSize: 0, features: new Float32Array(0) }
        : batch;
    const weights = initWeights(model.weightSpecs, createKey(11));
    const options = { key: createKey(5), training: true };
    expectGradientsMatch((inputs) => perCaptionLoss(model, inputs, on, options), weights, {
      maxElementsPerInput: 12,
    });
    disposeTree(Object.values(weights));
  });
});
