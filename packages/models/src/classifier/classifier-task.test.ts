import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createKey, disposeTree, initWeights } from '@bayesrnn/core';
import { createGaussianPosterior, gaussianPrior } from '@bayesrnn/posteriors';
import { checkLeaksAfterEachTest, expectClose } from '@bayesrnn/testing';
import {
  createRmsprop,
  train as runTraining,
  type TrainVariables,
  type WindowLoss,
} from '@bayesrnn/train';
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import {
  containsThreeProblem,
  makeEvaluationSource,
  makeTrainingSource,
} from './__fixtures__/classification-batches.js';
import { DEFAULT_SENTENCE_CLASSIFIER_CONFIG } from './classifier-config.js';
import { type ClassifierTaskState, createClassifierTask } from './classifier-task.js';
import { evaluateClassifier } from './evaluate-classifier.js';
import { createSentenceClassifier } from './sentence-classifier.js';

checkLeaksAfterEachTest();

const model = createSentenceClassifier({
  ...DEFAULT_SENTENCE_CLASSIFIER_CONFIG,
  vocabSize: 8,
  embeddingSize: 6,
  hiddenSize: 6,
  initScale: 0.3,
  forgetBias: 1,
  dropout: { method: 'naive', rate: 0.2 },
});
const problem = containsThreeProblem(64, 8, 1);
const heldOut = containsThreeProblem(40, 8, 2);
const train = makeTrainingSource(problem.sentences, problem.labels, 16);
const evaluation = {
  valid: makeEvaluationSource(heldOut.sentences, heldOut.labels, 16),
  train: makeEvaluationSource(problem.sentences, problem.labels, 16),
};

function pointVariables(seed: number): TrainVariables {
  const initial = initWeights(model.weightSpecs, createKey(seed));
  const variables = Object.fromEntries(
    Object.entries(initial).map(([name, value]) => [name, tf.variable(value)]),
  );
  disposeTree(Object.values(initial));
  return variables;
}

function scalars(result: WindowLoss<ClassifierTaskState>): Record<string, number> {
  const values: Record<string, number> = { loss: result.loss.dataSync()[0] ?? Number.NaN };
  for (const [name, part] of Object.entries(result.parts ?? {}))
    values[name] = part.dataSync()[0] ?? Number.NaN;
  disposeTree([result.loss, Object.values(result.parts ?? {})]);
  return values;
}

describe('createClassifierTask', () => {
  it('one window per batch, no state, the mean NLL over the rows, deterministic under a key', () => {
    const variables = pointVariables(1);
    const task = createClassifierTask({ model, variables, train, evaluation });
    expect(task.windowsPerEpoch).toBe(4);
    expect(task.perplexity).toBe(false);
    expect(task.unit).toBe('sentences');
    const state = task.initialState();
    expect(state).toEqual({});
    const context = (seed: number) => ({ key: createKey(seed), epoch: 1, step: 6 });
    const result = task.windowLoss(1, state, context(3));
    expect(result.tokens).toBe(16);
    expect(result.state).toBe(state);
    const first = scalars(result);
    expect(Object.keys(first).sort()).toEqual(['loss', 'nll']);
    expect(first.loss).toBe(first.nll);
    // An untrained model is near uniform over 2 classes.
    expect(first.nll).toBeGreaterThan(0.4);
    expect(first.nll).toBeLessThan(1.2);
    expect(scalars(task.windowLoss(1, state, context(3)))).toEqual(first);
    // Dropout masks come from the key; batch 1 of another epoch is another batch.
    expect(scalars(task.windowLoss(1, state, context(4))).loss).not.toBe(first.loss);
    const otherEpoch = task.windowLoss(1, state, { ...context(3), epoch: 2 });
    expect(scalars(otherEpoch).loss).not.toBe(first.loss);
    disposeTree(Object.values(variables));
  });

  it('adds a posterior draw’s KL divided by the training examples', () => {
    const posterior = createGaussianPosterior({
      specs: model.weightSpecs,
      key: createKey(2),
      prior: gaussianPrior(0.5),
    });
    const task = createClassifierTask({ model, posterior, train });
    const values = scalars(task.windowLoss(0, {}, { key: createKey(5), epoch: 0, step: 1 }));
    expect(values.kl).toBeGreaterThan(0);
    expectClose(values.loss ?? 0, (values.nll ?? 0) + (values.kl ?? 0) / 64, {
      rtol: 1e-6,
      atol: 1e-6,
    });
    disposeTree(Object.values(posterior.variables));
  });

  it('refuses missing variables and unknown splits', async () => {
    const variables = pointVariables(1);
    const { 'output/bias': _, ...partial } = variables;
    expect(() => createClassifierTask({ model, variables: partial, train })).toThrow(
      "no variable for weight 'output/bias'",
    );
    const task = createClassifierTask({ model, variables, train, evaluation });
    await expect(task.evaluate?.('test', createKey(0))).rejects.toThrow(
      "no evaluation split 'test'",
    );
    disposeTree(Object.values(variables));
  });

  it('evaluate returns error and accuracy in %, the mean NLL and the example count', async () => {
    const variables = pointVariables(1);
    const task = createClassifierTask({ model, variables, train, evaluation });
    const metrics = await task.evaluate?.('valid', createKey(0));
    expect(Object.keys(metrics ?? {}).sort()).toEqual([
      'accuracy',
      'brier',
      'ece',
      'error',
      'examples',
      'nll',
    ]);
    expect(metrics?.examples).toBe(40);
    expectClose((metrics?.error ?? 0) + (metrics?.accuracy ?? 0), 100, { rtol: 0, atol: 1e-9 });
    // Masks off: the same as scoring the variables directly, whatever the key.
    const direct = await evaluateClassifier(model, variables, evaluation.valid, {
      key: createKey(9),
    });
    expect(direct).toEqual(metrics);
    disposeTree(Object.values(variables));
  });

  it('trains with @bayesrnn/train to ≥ 95 % accuracy on a separable problem', async () => {
    const variables = pointVariables(4);
    const task = createClassifierTask({ model, variables, train, evaluation });
    const before = await evaluateClassifier(model, variables, evaluation.train, {
      key: createKey(0),
    });
    const outDir = await mkdtemp(join(tmpdir(), 'bayesrnn-classifier-'));
    try {
      const losses: number[] = [];
      const result = await runTraining(task, {
        key: createKey(6),
        outDir,
        optimizer: createRmsprop(),
        learningRate: 0.02,
        epochs: 12,
        clipNorm: 5,
        onProgress: false,
        logEvery: 1,
        testSplits: ['valid', 'train'],
        onLog: (record) => {
          if (record.type === 'step') losses.push(Number(record.loss));
        },
      });
      expect(result.stopReason).toBe('completed');
      const early = losses.slice(0, 8).reduce((a, b) => a + b) / 8;
      const late = losses.slice(-8).reduce((a, b) => a + b) / 8;
      expect(late).toBeLessThan(early / 2);
      expect(result.evaluations.train?.nll).toBeLessThan(before.nll);
      expect(result.evaluations.train?.accuracy).toBeGreaterThanOrEqual(95);
      expect(result.evaluations.valid?.accuracy).toBeGreaterThanOrEqual(95);
    } finally {
      await rm(outDir, { recursive: true, force: true });
      disposeTree(Object.values(variables));
    }
  });
});
