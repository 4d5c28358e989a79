import { createKey, disposeTree, initWeights } from '@bayesrnn/core';
import { createEvaluationBatches, createTbpttBatches } from '@bayesrnn/data';
import {
  createGaussianPosterior,
  createSharpenedPosterior,
  gaussianPrior,
  rhoFor,
  scaleMixturePrior,
} from '@bayesrnn/posteriors';
import type { Posterior } from '@bayesrnn/spec';
import {
  checkLeaksAfterEachTest,
  expectClose,
  expectNoLeaks,
  TOLERANCES,
  variableFiniteDifferences,
} from '@bayesrnn/testing';
import { createSgd, runTrainingStep } from '@bayesrnn/train';
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { tinyCorpus, tinyLanguageModel } from './__fixtures__/tiny-language-model.js';
import { evaluateLanguageModel } from './evaluate-language-model.js';
import { createLanguageModelTask } from './language-model-task.js';

checkLeaksAfterEachTest();

const model = tinyLanguageModel();
// 61 tokens, batch 2 × 5 steps: 30 tokens per stream → ⌊29 / 5⌋ = 5 windows per epoch.
const corpus = tinyCorpus(61);
const train = createTbpttBatches(corpus, { batchSize: 2, steps: 5 });

function gaussian(prior = gaussianPrior(0.5)) {
  return createGaussianPosterior({
    specs: model.weightSpecs,
    key: createKey(1),
    prior,
    isBayesian: (name) => name !== 'softmax/bias',
  });
}

function windowLoss(posterior: Posterior, seed = 2) {
  const task = createLanguageModelTask({ model, posterior, train });
  const state = task.initialState();
  const result = task.windowLoss(1, state, { key: createKey(seed), epoch: 0, step: 2 });
  disposeTree(state);
  return result;
}

describe('createLanguageModelTask with a posterior', () => {
  it('divides the KL by batch × windows per epoch and reports NLL and KL apart', () => {
    expect(train.windowsPerEpoch).toBe(5);
    const posterior = gaussian();
    const result = windowLoss(posterior);
    const [loss, nll, kl] = [result.loss, result.parts?.nll, result.parts?.kl].map(
      (t) => t?.dataSync()[0] ?? Number.NaN,
    ) as [number, number, number];
    expect(kl).toBeGreaterThan(0);
    expectClose(loss, 5 * nll + kl / (2 * 5), { rtol: 1e-6, atol: 1e-6 });
    disposeTree([result.loss, result.state, Object.values(result.parts ?? {})]);
    disposeTree(Object.values(posterior.variables));
  });

  it('adds the sharpening KL divided by the batch size', () => {
    const posterior = createSharpenedPosterior(gaussian(), { etaInit: 0.05 });
    const result = windowLoss(posterior);
    const parts = result.parts ?? {};
    const [loss, nll, kl, sharp] = [result.loss, parts.nll, parts.kl, parts.sharpeningKl].map(
      (t) => t?.dataSync()[0] ?? Number.NaN,
    ) as [number, number, number, number];
    expect(sharp).toBeGreaterThan(0);
    expectClose(loss, 5 * nll + kl / 10 + sharp / 2, { rtol: 1e-6, atol: 1e-6 });
    disposeTree([result.loss, result.state, Object.values(parts)]);
    disposeTree(Object.values(posterior.variables));
  });

  it('finite differences match the gradient of the whole ELBO (mixture prior, sample KL)', () => {
    const posterior = gaussian(scaleMixturePrior({ pi: 0.5, sigma1: 0.5, sigma2: 0.1 }));
    checkVariables(posterior, (name) => !name.endsWith('/eta'));
  });

  it('finite differences match the gradient in η with sharpening', () => {
    // g_φ does not depend on η, so the stopped gradient is exact in η.
    const posterior = createSharpenedPosterior(gaussian(), { etaInit: 0.05 });
    checkVariables(posterior, (name) => name.endsWith('/eta'));
  });

  it('mean evaluation with σ → 0 equals the point model, with 1 or 3 passes', async () => {
    const point = initWeights(model.weightSpecs, createKey(4));
    const posterior = gaussian();
    for (const [name, variable] of Object.entries(posterior.variables)) {
      const weight = name.replace(/\/(mu|rho)$/, '');
      tf.tidy(() =>
        variable.assign(
          name.endsWith('/rho')
            ? tf.fill(variable.shape, rhoFor(1e-5 + 1e-9))
            : (point[weight] as tf.Tensor),
        ),
      );
    }
    const windows = createEvaluationBatches(corpus, { batchSize: 2, steps: 5 });
    const reference = await evaluateLanguageModel(model, point, windows);
    for (const mcSamples of [1, 3]) {
      const result = await evaluateLanguageModel(model, posterior, windows, { mcSamples });
      expectClose(result.nll, reference.nll, { rtol: 1e-5, atol: 1e-6 });
    }
    disposeTree([Object.values(point), Object.values(posterior.variables)]);
  });

  it('a training step leaks nothing, with and without sharpening', async () => {
    for (const posterior of [gaussian(), createSharpenedPosterior(gaussian())]) {
      const task = createLanguageModelTask({ model, posterior, train });
      const optimizer = createSgd();
      const optimizerState = optimizer.init(task.variables);
      const state = task.initialState();
      await expectNoLeaks(async () => {
        const result = await runTrainingStep({
          task,
          window: 0,
          state,
          context: { key: createKey(5), epoch: 0, step: 1 },
          optimizer,
          optimizerState,
          learningRate: 0.1,
          clipNorm: 5,
        });
        expect(result.finite).toBe(true);
        disposeTree([result.state ?? [], result.optimizerState ?? []]);
      });
      disposeTree([state, optimizerState, Object.values(posterior.variables)]);
    }
  });
});

/**
 * Analytic gradient of a window's loss against central differences, for chosen variables;
 * frees the posterior's variables after.
 */
function checkVariables(posterior: Posterior, include: (name: string) => boolean): void {
  const task = createLanguageModelTask({ model, posterior, train });
  const state = task.initialState();
  const objective = () => {
    const result = task.windowLoss(1, state, { key: createKey(6), epoch: 0, step: 2 });
    disposeTree([result.state, Object.values(result.parts ?? {})]);
    return result.loss;
  };
  const variables = posterior.variables;
  const { value, grads } = tf.variableGrads(objective, Object.values(variables));
  const elements = Object.entries(variables)
    .filter(([name]) => include(name))
    .flatMap(([name, variable]) => [[name, 0] as const, [name, variable.size - 1] as const]);
  expect(elements.length).toBeGreaterThan(0);
  for (const [name, index, numeric] of variableFiniteDifferences(
    variables,
    objective,
    elements,
    1e-2,
  )) {
    const analytic = grads[variables[name]?.name ?? '']?.dataSync()[index] ?? Number.NaN;
    expectClose(analytic, numeric, TOLERANCES.finiteDifference);
  }
  disposeTree([value, Object.values(grads), state, Object.values(variables)]);
}
