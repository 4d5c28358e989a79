/**
 * One Bayes-by-Backprop draw of the PTB-small weights (embedding and softmax 10,000 × 200, two
 * LSTM kernels 400 × 800: 4.6M with the biases) with its sampled KL under the paper's scale
 * mixture, forward and backward: the fused kernels against the composed tfjs ops, both on
 * wasm, in one run: `npx vitest bench --run src/fused-gaussian-draw.bench.ts`.
 */
import { createKey, foldIn, randomNormal, selectBackend } from '@bayesrnn/core';
import * as tf from '@tensorflow/tfjs-core';
import { bench, describe } from 'vitest';
import { fusedGaussianDraw } from './fused-gaussian-draw.js';
import { drawGaussianWeight } from './gaussian-draw.js';
import { gaussianWeightKl } from './gaussian-weight.js';
import { scaleMixturePrior } from './scale-mixture-prior.js';

await selectBackend({ name: 'wasm', log: () => {} });

const SHAPES = [[10_000, 200], [400, 800], [800], [400, 800], [800], [200, 10_000]];
const FLOOR = 1e-5;
const prior = scaleMixturePrior();
const weights = SHAPES.map((shape, i) => ({
  mu: tf.variable(randomNormal(createKey(i), shape, { stddev: 0.05 })),
  rho: tf.variable(tf.fill(shape, -4)),
}));
const options = { time: 3000, warmupIterations: 2 };
let seed = 0;

type Draw = (mu: tf.Tensor, rho: tf.Tensor, key: ReturnType<typeof createKey>) => tf.Scalar;

const fused: Draw = (mu, rho, key) => {
  const drawn = fusedGaussianDraw(mu, rho, FLOOR, key, prior);
  if (drawn?.kl === undefined) throw new Error('the fused draw did not run');
  return tf.add(tf.sum(drawn.theta), drawn.kl) as tf.Scalar;
};

const composed: Draw = (mu, rho, key) => {
  const draw = drawGaussianWeight(mu, rho, FLOOR, key);
  return tf.add(tf.sum(draw.theta), gaussianWeightKl({ mu, ...draw }, prior, 'sample'));
};

/** The draws of every weight and the gradient of Σ θ + KL in all μ and ρ. */
function step(draw: Draw, withGradient: boolean): void {
  const key = createKey(seed++);
  const loss = () =>
    tf.addN(weights.map(({ mu, rho }, i) => draw(mu, rho, foldIn(key, i)))) as tf.Scalar;
  if (!withGradient) {
    tf.tidy(() => loss().dataSync());
    return;
  }
  const variables = weights.flatMap(({ mu, rho }) => [mu, rho]);
  const { value, grads } = tf.variableGrads(loss, variables);
  tf.dispose([value, ...Object.values(grads)]);
}

describe('BBB draw + sampled KL of the PTB-small weights (4.6M), wasm', () => {
  bench('fused: forward', () => step(fused, false), options);
  bench('composed tfjs ops: forward', () => step(composed, false), options);
  bench('fused: forward and gradients', () => step(fused, true), options);
  bench('composed tfjs ops: forward and gradients', () => step(composed, true), options);
});
