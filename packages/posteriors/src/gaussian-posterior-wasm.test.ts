import { createKey, selectBackend } from '@bayesrnn/core';
import { expectClose } from '@bayesrnn/testing';
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, describe, expect, it } from 'vitest';
import { scaledError } from './__fixtures__/scaled-error.js';
import { TINY_SPECS, tinyLoss } from './__fixtures__/tiny-model.js';
import { createGaussianPosterior } from './gaussian-posterior.js';
import { gaussianPrior } from './gaussian-prior.js';
import type { Prior } from './prior.js';
import { scaleMixturePrior } from './scale-mixture-prior.js';

/** The ELBO `loss + KL / 4` of one draw, its KL and its gradient in every variable, on `backend`. */
async function elboOn(backend: string, prior: Prior, kl: 'closed-form' | 'sample') {
  await selectBackend({ name: backend, log: () => {} });
  const before = tf.memory().numTensors;
  const posterior = createGaussianPosterior({ specs: TINY_SPECS, key: createKey(1), prior, kl });
  let klValue = Number.NaN;
  const { value, grads } = tf.variableGrads(() => {
    const draw = posterior.draw(createKey(7), { training: true });
    klValue = draw.kl.dataSync()[0] ?? Number.NaN;
    return tf.add(tinyLoss(draw.weights), tf.div(draw.kl, 4)) as tf.Scalar;
  }, Object.values(posterior.variables));
  const numbers = {
    value: value.dataSync()[0] ?? Number.NaN,
    kl: klValue,
    grads: Object.values(posterior.variables).map((v) => grads[v.name]?.dataSync() ?? []),
  };
  tf.dispose([value, ...Object.values(grads), ...Object.values(posterior.variables)]);
  expect(tf.memory().numTensors).toBe(before);
  return numbers;
}

// The wasm backend takes the fused draw (with the sampled KL, or θ alone beside the closed
// form); cpu composes tfjs ops. The same key gives the same noise on both.
describe('the Gaussian posterior on wasm against cpu', () => {
  afterAll(async () => {
    await selectBackend({ name: 'cpu', log: () => {} });
  });

  it.each([
    ['closed-form', gaussianPrior(0.5)],
    ['sample', scaleMixturePrior()],
  ] as const)('gives the same ELBO, KL and gradients (%s KL)', async (kl, prior) => {
    const reference = await elboOn('cpu', prior, kl);
    const ours = await elboOn('wasm', prior, kl);
    expectClose(ours.value, reference.value, { rtol: 1e-5, atol: 0 }, 'ELBO');
    expectClose(ours.kl, reference.kl, { rtol: 1e-5, atol: 0 }, 'KL');
    expect(ours.grads).toHaveLength(reference.grads.length);
    ours.grads.forEach((grad, i) => {
      expect(scaledError(grad, reference.grads[i] ?? [])).toBeLessThan(1e-4);
    });
  });
});
