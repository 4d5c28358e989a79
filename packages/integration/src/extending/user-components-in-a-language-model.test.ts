// The user's cell and posterior in the library's language model, task and training loop, and
// composed with the library's own pieces: the MGU under Bayes by Backprop, the built-in LSTM
// under weight noise, and the MGU inside sparse attentive backtracking.

import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createKey, disposeTree, initWeights } from '@bayesrnn/core';
import { createEvaluationBatches, createTbpttBatches } from '@bayesrnn/data';
import {
  type CellFactory,
  createCaptionDecoder,
  createLanguageModel,
  createLanguageModelTask,
  DEFAULT_CAPTION_DECODER_CONFIG,
  DEFAULT_LANGUAGE_MODEL_CONFIG,
  generateCaptions,
  type LanguageModel,
} from '@bayesrnn/models';
import { createGaussianPosterior, gaussianPrior } from '@bayesrnn/posteriors';
import { sab } from '@bayesrnn/sab';
import type { Posterior } from '@bayesrnn/spec';
import { checkLeaksAfterEachTest } from '@bayesrnn/testing';
import { createAdam, train } from '@bayesrnn/train';
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { createMguCell } from './mgu-cell.js';
import { createWeightNoisePosterior } from './weight-noise-posterior.js';

checkLeaksAfterEachTest();

const mgu: CellFactory = (options) =>
  createMguCell({ inputSize: options.inputSize, hiddenSize: options.hiddenSize });

const config = {
  ...DEFAULT_LANGUAGE_MODEL_CONFIG,
  vocabSize: 6,
  embeddingSize: 8,
  hiddenSize: 16,
  layers: 1,
};
// A cycle of period 5 over 6 tokens: each token is fixed by the previous two, so a model
// that learns it reaches a perplexity near 1, where chance is 6. 4,000 tokens, so that the
// KL, paid once per epoch (99 windows of 4 × 10), does not drown the data's evidence.
const corpus = Int32Array.from({ length: 4_001 }, (_, i) => [0, 1, 2, 1, 4][i % 5] ?? 5);

/** Trains `posterior` for `model` 2 epochs with Adam; the validation perplexity at the mean. */
async function trainedPerplexity(model: LanguageModel, posterior: Posterior): Promise<number> {
  const task = createLanguageModelTask({
    model,
    posterior,
    train: createTbpttBatches(corpus, { batchSize: 4, steps: 10 }),
    evaluation: { valid: createEvaluationBatches(corpus, { batchSize: 4, steps: 10 }) },
  });
  const outDir = await mkdtemp(join(tmpdir(), 'bayesrnn-extending-'));
  try {
    const result = await train(task, {
      key: createKey(4),
      outDir,
      optimizer: createAdam(),
      learningRate: 0.02,
      epochs: 2,
      clipNorm: 5,
      onProgress: false,
      testSplits: ['valid'],
    });
    expect(result.stopReason).toBe('completed');
    return result.evaluations.valid?.perplexity ?? Number.NaN;
  } finally {
    await rm(outDir, { recursive: true, force: true });
    disposeTree(Object.values(posterior.variables));
  }
}

describe("the user's cell and posterior in the library's language model", () => {
  it('a language model of MGU cells learns the cycle under Bayes by Backprop', async () => {
    const model = createLanguageModel({ ...config, cell: mgu });
    const posterior = createGaussianPosterior({
      specs: model.weightSpecs,
      key: createKey(1),
      prior: gaussianPrior(1),
    });
    expect(Object.keys(model.weightSpecs)).toContain('layers/0/forgetKernel');
    expect(await trainedPerplexity(model, posterior)).toBeLessThan(1.5);
  });

  it("the built-in LSTM learns the cycle under the user's weight noise", async () => {
    const model = createLanguageModel(config);
    const posterior = createWeightNoisePosterior({
      specs: model.weightSpecs,
      key: createKey(1),
      noiseStd: 0.02,
    });
    expect(await trainedPerplexity(model, posterior)).toBeLessThan(1.5);
  });

  it('sab(MGU) runs in the language model: its [h; s] output sizes the softmax', () => {
    const sabMgu: CellFactory = (options) =>
      sab(createMguCell({ inputSize: options.inputSize, hiddenSize: options.hiddenSize }), {
        topK: 2,
        attendEvery: 2,
        truncation: 3,
      });
    const model = createLanguageModel({ ...config, layers: 2, cell: sabMgu });
    expect(model.cells.map((cell) => [cell.inputSize, cell.outputSize])).toEqual([
      [8, 32],
      [32, 32],
    ]);
    expect(model.weightSpecs['softmax/kernel']?.shape).toEqual([32, 6]);
    const weights = initWeights(model.weightSpecs, createKey(2));
    const names = Object.keys(weights);
    const inputs = tf.tensor2d(Array.from(corpus.subarray(0, 24)), [2, 12], 'int32');
    const gradients = tf.grads((...tensors: tf.Tensor[]) =>
      tf.tidy(() => {
        const named = Object.fromEntries(names.map((name, i) => [name, tensors[i] as tf.Tensor]));
        const window = model.startWindow({
          key: createKey(3),
          batchSize: 2,
          steps: 12,
          training: true,
        });
        const state = model.initialState(2);
        const { logits } = model.forward(named, inputs, state, window);
        return tf.mean(tf.square(logits)) as tf.Scalar;
      }),
    )(names.map((name) => weights[name] as tf.Tensor));
    const norms = gradients.map((gradient) =>
      tf.tidy(() => tf.norm(gradient).dataSync()[0] ?? NaN),
    );
    expect(norms.every(Number.isFinite)).toBe(true);
    // The attention over stored memories gets gradient: the memories are read.
    const attention = names.findIndex((name) => name.endsWith('attention/kernel'));
    expect(norms[attention]).toBeGreaterThan(0);
    disposeTree([gradients, inputs, Object.values(weights)]);
  });

  it('sab(MGU) decodes captions by beam search: its growing memories and step count follow the beams', async () => {
    const decoder = createCaptionDecoder({
      ...DEFAULT_CAPTION_DECODER_CONFIG,
      vocabSize: 12,
      embeddingSize: 6,
      hiddenSize: 8,
      featureSize: 5,
      cell: (options) => sab(createMguCell(options), { topK: 2, attendEvery: 1, truncation: 2 }),
    });
    expect(decoder.weightSpecs['output/kernel']?.shape).toEqual([16, 12]);
    const weights = initWeights(decoder.weightSpecs, createKey(4));
    const features = Float32Array.from({ length: 15 }, (_, i) => Math.sin(i));
    const options = { beamSize: 3, maxLength: 6, bosId: 2, eosId: 3 };
    const captions = await generateCaptions(decoder, [weights], features, 3, options);
    expect(captions).toHaveLength(3);
    for (const caption of captions) {
      expect(caption.tokens.length).toBeLessThanOrEqual(6);
      expect(Number.isFinite(caption.logProbability)).toBe(true);
    }
    disposeTree(Object.values(weights));
  });
});
