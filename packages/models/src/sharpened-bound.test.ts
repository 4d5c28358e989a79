import { createKey, disposeTree, foldIn, splitKey } from '@bayesrnn/core';
import { createEvaluationBatches } from '@bayesrnn/data';
import {
  createGaussianPosterior,
  createSharpenedPosterior,
  gaussianPrior,
} from '@bayesrnn/posteriors';
import type { RngKey, Weights } from '@bayesrnn/spec';
import { checkLeaksAfterEachTest } from '@bayesrnn/testing';
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, describe, expect, it } from 'vitest';
import { tinyCorpus, tinyLanguageModel } from './__fixtures__/tiny-language-model.js';
import { disposeLmWindow } from './lm-window.js';
import { evaluateSharpenedBound } from './sharpened-bound.js';
import { windowDataLoss } from './window-data-loss.js';

checkLeaksAfterEachTest();

const model = tinyLanguageModel();
// 31 tokens as 2 streams of 5-step windows: 3 windows, the last one shorter.
const corpus = tinyCorpus(31);
const windows = createEvaluationBatches(corpus, { batchSize: 2, steps: 5 });
const oneWindow = { ...windows, windowCount: 1 };
const base = createGaussianPosterior({
  specs: model.weightSpecs,
  key: createKey(1),
  prior: gaussianPrior(0.5),
  isBayesian: (name) => name !== 'softmax/bias',
});
const sigma0 = 0.02;
/** Runs `body` on a sharpened posterior over `base`, then frees its η variables. */
async function withSharpened<T>(
  etaInit: number,
  body: (posterior: ReturnType<typeof createSharpenedPosterior>) => Promise<T>,
): Promise<T> {
  const posterior = createSharpenedPosterior(base, { sigma0, etaInit });
  try {
    return await body(posterior);
  } finally {
    disposeTree(
      Object.entries(posterior.variables)
        .filter(([name]) => name.endsWith('/eta'))
        .map(([, variable]) => variable),
    );
  }
}
afterAll(() => disposeTree(Object.values(base.variables)));

/** Σ_j (η g_j)² / (2σ0²) at φ, with g = ∇ of the window's data term, computed here. */
function klByHand(drawKey: RngKey, eta: number): number {
  const [phiKey] = splitKey(drawKey, 2) as [RngKey];
  const phi = base.draw(phiKey, { training: true });
  const { inputs, targets, steps } = windows.window(0);
  const window = model.startWindow({ key: createKey(9), batchSize: 2, steps, training: false });
  const start = model.initialState(2);
  const data = {
    inputIds: tf.tensor2d(inputs, [2, steps], 'int32'),
    targetIds: tf.tensor1d(targets, 'int32'),
    steps,
    start,
    window,
  };
  const names = base.bayesianNames;
  const gradients = tf.grads((...values: tf.Tensor[]) => {
    const weights: Record<string, tf.Tensor> = { ...phi.weights };
    names.forEach((name, index) => {
      weights[name] = values[index] as tf.Tensor;
    });
    return windowDataLoss(model, weights as Weights, data);
  })(names.map((name) => phi.weights[name] as tf.Tensor));
  const squares = tf.tidy(
    () => tf.addN(gradients.map((g) => tf.sum(tf.square(g)))).dataSync()[0] ?? 0,
  );
  disposeLmWindow(window);
  disposeTree([
    gradients,
    Object.values(phi.weights),
    phi.kl,
    start,
    data.inputIds,
    data.targetIds,
  ]);
  return (eta * eta * squares) / (2 * sigma0 * sigma0);
}

describe('evaluateSharpenedBound', () => {
  it('pays each window the sharpening KL Σ (η g)² / 2σ0², g at φ of the window’s own data term', async () => {
    const key = createKey(4);
    const bound = await withSharpened(0.3, (posterior) =>
      evaluateSharpenedBound(model, posterior, oneWindow, { key }),
    );
    expect(bound.tokens).toBe(10);
    const expected = klByHand(foldIn(foldIn(key, 0), 'weights'), 0.3);
    expect(expected).toBeGreaterThan(0);
    expect(bound.sharpeningKl * bound.tokens).toBeCloseTo(expected, 3);
    expect(bound.nll).toBeCloseTo(bound.dataNll + bound.sharpeningKl, 12);
    expect(bound.perplexity).toBeCloseTo(Math.exp(bound.nll), 9);
  });

  it('is the data NLL alone when η = 0 (θ = φ + σ0 ε, no KL)', async () => {
    const bound = await withSharpened(0, (posterior) =>
      evaluateSharpenedBound(model, posterior, windows),
    );
    expect(bound.sharpeningKl).toBe(0);
    expect(bound.nll).toBe(bound.dataNll);
    // Every token of the 3 windows (5 + 5 + 4 steps, 2 streams) is scored once.
    expect(bound.tokens).toBe(28);
    expect(bound.perplexity).toBeGreaterThan(1);
  });

  it('is deterministic under the key, and other keys draw other weights', async () => {
    const [first, again, other] = await withSharpened(0.1, async (posterior) => {
      const run = (seed: number) =>
        evaluateSharpenedBound(model, posterior, windows, { key: createKey(seed) });
      return [await run(5), await run(5), await run(6)];
    });
    expect(again).toEqual(first);
    expect(other.nll).not.toBe(first.nll);
  });

  it('refuses a posterior that is not sharpened, naming what to use instead', async () => {
    await expect(evaluateSharpenedBound(model, base, windows)).rejects.toThrow(
      'the weight source is not sharpened (its training draw has no minibatchKl); use evaluateLanguageModel',
    );
  });
});
