import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createKey, disposeTree, initWeights } from '@bayesrnn/core';
import { createGaussianPosterior, gaussianPrior } from '@bayesrnn/posteriors';
import type { Weights } from '@bayesrnn/spec';
import { checkLeaksAfterEachTest, expectClose } from '@bayesrnn/testing';
import {
  createAdam,
  train as runTraining,
  type TrainVariables,
  type WindowLoss,
} from '@bayesrnn/train';
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import {
  BOS,
  captionOf,
  EOS,
  evaluationSource,
  IMAGES,
  oneHotFeatures,
  trainingSource,
  VOCAB,
} from './__fixtures__/caption-problem.js';
import { DEFAULT_CAPTION_DECODER_CONFIG } from './caption-config.js';
import { type CaptionDecoder, createCaptionDecoder } from './caption-decoder.js';
import { type CaptionTaskState, createCaptionTask } from './caption-task.js';
import { evaluateCaptionDecoder, evaluateCaptionEnsemble } from './evaluate-captions.js';
import { generateCaptions } from './generate-captions.js';

checkLeaksAfterEachTest();

const small = {
  ...DEFAULT_CAPTION_DECODER_CONFIG,
  vocabSize: VOCAB,
  featureSize: IMAGES,
  embeddingSize: 8,
  hiddenSize: 12,
  initScale: 0.3,
  forgetBias: 1,
};
const model = createCaptionDecoder(small);
const train = trainingSource(4, 6);

function pointVariables(decoder: CaptionDecoder, seed: number): TrainVariables {
  const initial = initWeights(decoder.weightSpecs, createKey(seed));
  const variables = Object.fromEntries(
    Object.entries(initial).map(([name, value]) => [name, tf.variable(value)]),
  );
  disposeTree(Object.values(initial));
  return variables;
}

function scalars(result: WindowLoss<CaptionTaskState>): Record<string, number> {
  const values: Record<string, number> = { loss: result.loss.dataSync()[0] ?? Number.NaN };
  for (const [name, part] of Object.entries(result.parts ?? {}))
    values[name] = part.dataSync()[0] ?? Number.NaN;
  disposeTree([result.loss, Object.values(result.parts ?? {})]);
  return values;
}

/** Trains a decoder with Adam through @bayesrnn/train and returns its variables. */
async function trained(decoder: CaptionDecoder, seed: number): Promise<TrainVariables> {
  const variables = pointVariables(decoder, seed);
  const featureSize = decoder.config.featureSize;
  const task = createCaptionTask({
    model: decoder,
    variables,
    train: trainingSource(4, 6, featureSize),
    evaluation: { valid: evaluationSource(featureSize) },
  });
  const outDir = await mkdtemp(join(tmpdir(), 'bayesrnn-caption-'));
  try {
    const result = await runTraining(task, {
      key: createKey(seed),
      outDir,
      optimizer: createAdam(),
      learningRate: 0.05,
      epochs: 25,
      clipNorm: 5,
      onProgress: false,
    });
    expect(result.stopReason).toBe('completed');
    return variables;
  } finally {
    await rm(outDir, { recursive: true, force: true });
  }
}

describe('createCaptionTask', () => {
  it('one window per batch: the per-caption summed NLL, the words it counts, deterministic', () => {
    const variables = pointVariables(model, 1);
    const task = createCaptionTask({ model, variables, train });
    expect(task.windowsPerEpoch).toBe(4);
    const context = { key: createKey(3), epoch: 1, step: 6 };
    const result = task.windowLoss(2, {}, context);
    // Six captions of two words and <eos>.
    expect(result.tokens).toBe(18);
    const values = scalars(result);
    expect(Object.keys(values).sort()).toEqual(['loss', 'nll']);
    expectClose(values.nll ?? 0, (values.loss ?? 0) / 3, { rtol: 1e-6, atol: 1e-7 });
    // By hand: Σ over the 18 targets of −log softmax(logits)[target], over 6 captions.
    const batch = train.batch(1, 2);
    const byHand = tf.tidy(() => {
      const logits = model.logits(variables, batch, { key: context.key, training: true });
      const logProbabilities = tf.logSoftmax(logits).arraySync() as number[][][];
      let sum = 0;
      for (let row = 0; row < batch.rows; row += 1)
        for (let step = 0; step < (batch.lengths[row] ?? 0); step += 1)
          sum -= logProbabilities[row]?.[step]?.[batch.targets[row * batch.steps + step] ?? 0] ?? 0;
      return sum / batch.rows;
    });
    expectClose(values.loss ?? 0, byHand, { rtol: 1e-5, atol: 1e-6 });
    expect(scalars(task.windowLoss(2, {}, context))).toEqual(values);
    disposeTree(Object.values(variables));
  });

  it('adds a posterior draw’s KL divided by the training captions', () => {
    const posterior = createGaussianPosterior({
      specs: model.weightSpecs,
      key: createKey(2),
      prior: gaussianPrior(0.5),
    });
    const task = createCaptionTask({ model, posterior, train });
    const values = scalars(task.windowLoss(0, {}, { key: createKey(5), epoch: 0, step: 1 }));
    expect(values.kl).toBeGreaterThan(0);
    expectClose(values.loss ?? 0, (values.nll ?? 0) * 3 + (values.kl ?? 0) / 24, {
      rtol: 1e-5,
      atol: 1e-5,
    });
    disposeTree(Object.values(posterior.variables));
  });

  it('refuses missing variables and unknown splits; evaluate scores teacher-forced', async () => {
    const variables = pointVariables(model, 1);
    const { 'image/kernel': _, ...partial } = variables;
    expect(() => createCaptionTask({ model, variables: partial, train })).toThrow(
      "no variable for weight 'image/kernel'",
    );
    const task = createCaptionTask({
      model,
      variables,
      train,
      evaluation: { valid: evaluationSource() },
    });
    await expect(task.evaluate?.('test', createKey(0))).rejects.toThrow(
      "no evaluation split 'test'",
    );
    const metrics = await task.evaluate?.('valid', createKey(0));
    expect(metrics).toEqual({
      ...(await evaluateCaptionDecoder(model, variables, evaluationSource())),
    });
    expect(metrics?.tokens).toBe(12);
    expectClose(metrics?.perplexity ?? 0, Math.exp(metrics?.nll ?? 0), { rtol: 1e-12, atol: 0 });
    disposeTree(Object.values(variables));
  });
});

describe('a trained decoder', () => {
  const images = Array.from({ length: IMAGES }, (_, image) => image);
  const options = { maxLength: 5, bosId: BOS, eosId: EOS };

  it('captions each image from its features, greedy and with a beam of 3', async () => {
    const variables = await trained(model, 4);
    const features = oneHotFeatures(images);
    for (const beamSize of [1, 3]) {
      const decoded = await generateCaptions(model, [variables], features, IMAGES, {
        ...options,
        beamSize,
        batchSize: 3,
      });
      expect(decoded.map((c) => [...c.tokens])).toEqual(images.map(captionOf));
    }
    const scores = await evaluateCaptionDecoder(model, variables, evaluationSource());
    expect(scores.perplexity).toBeLessThan(1.5);
    disposeTree(Object.values(variables));
  });

  it('averages members’ probabilities: no worse than the members’ mean NLL', async () => {
    const members: Weights[] = [await trained(model, 5), await trained(model, 6)];
    const ensemble = {
      count: 2,
      load: async (i: number) =>
        tf.tidy(() =>
          Object.fromEntries(Object.entries(members[i] ?? {}).map(([n, v]) => [n, tf.clone(v)])),
        ),
    };
    const averaged = await evaluateCaptionEnsemble(model, ensemble, evaluationSource());
    const [first, second] = averaged.memberPerplexities.map(Math.log);
    // Jensen: −log((p + q)/2) ≤ (−log p − log q)/2 for every word.
    expect(averaged.nll).toBeLessThanOrEqual(((first ?? 0) + (second ?? 0)) / 2 + 1e-9);
    expect(averaged.averagedPerplexities[0]).toBeCloseTo(averaged.memberPerplexities[0] ?? 0, 9);
    const decoded = await generateCaptions(model, members, oneHotFeatures(images), IMAGES, {
      ...options,
      beamSize: 2,
    });
    expect(decoded.map((c) => [...c.tokens])).toEqual(images.map(captionOf));
    disposeTree(members.map((m) => Object.values(m)));
  });

  it('a blind decoder gives every image the same caption', async () => {
    const blind = createCaptionDecoder({ ...small, featureSize: 0 });
    const variables = await trained(blind, 7);
    const decoded = await generateCaptions(blind, [variables], new Float32Array(0), IMAGES, {
      ...options,
      beamSize: 2,
    });
    const first = [...(decoded[0]?.tokens ?? [])];
    for (const caption of decoded) expect([...caption.tokens]).toEqual(first);
    const seeing = await evaluateCaptionDecoder(blind, variables, evaluationSource(0));
    // Only the first word is uncertain, among four: perplexity near 4^(1/3) ≈ 1.59 at best.
    expect(seeing.perplexity).toBeGreaterThan(1.5);
    disposeTree(Object.values(variables));
  });
});
