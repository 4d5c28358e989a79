/**
 * Where Bayes by Backprop's extra time goes on wasm: the fused posterior draw of the PTB-small
 * weights (4.6M: embedding and softmax 10,000 × 200, two LSTM kernels 400 × 800 and their
 * biases) taken apart. The N(0, 1) noise alone, softplus(ρ) alone (tfjs's op, our SIMD
 * kernel), the draw θ = μ + σ ε without a prior, and with the sampled KL under a Gaussian and
 * under the paper's scale mixture: medians of 15 calls after 3, in three interleaved rounds.
 * Run it with `BAYESRNN_WASM_THREADS=1` too. `node bench/dist/experiments/draw-cost.js`
 */
import { createKey, foldIn, randomNormal, selectBackend } from '@bayesrnn/core';
import {
  fusedGaussianDraw,
  gaussianPrior,
  type Prior,
  scaleMixturePrior,
} from '@bayesrnn/posteriors';
import * as tf from '@tensorflow/tfjs-core';
import { median } from '../stats.js';

await selectBackend({ name: 'wasm' });
const SHAPES = [[10_000, 200], [400, 800], [800], [400, 800], [800], [200, 10_000]];
const weights = SHAPES.map((shape, i) => ({
  mu: randomNormal(createKey(i), shape, { stddev: 0.05 }),
  rho: tf.fill(shape, -4),
}));

type Part = (mu: tf.Tensor, rho: tf.Tensor, key: ReturnType<typeof createKey>) => void;
const draw =
  (prior: Prior | undefined): Part =>
  (mu, rho, key) => {
    if (fusedGaussianDraw(mu, rho, 1e-5, key, prior) === undefined) {
      throw new Error('draw-cost: the fused draw did not run (not wasm?)');
    }
  };
const PARTS: Record<string, Part> = {
  'noise ε': (mu, _rho, key) => void randomNormal(key, mu.shape),
  'softplus(ρ)': (_mu, rho) => void tf.softplus(rho),
  'draw θ, no prior': draw(undefined),
  'draw θ + KL, Gaussian prior': draw(gaussianPrior(1)),
  'draw θ + KL, scale mixture': draw(scaleMixturePrior()),
};

let seed = 0;
/** One call of `part` over every weight, in milliseconds (kernels on wasm are synchronous). */
function time(part: Part): number {
  const key = createKey(seed++);
  const started = performance.now();
  tf.tidy(() => {
    for (const [i, { mu, rho }] of weights.entries()) part(mu, rho, foldIn(key, i));
  });
  return performance.now() - started;
}

const samples = new Map<string, number[]>();
for (let round = 0; round < 3; round += 1) {
  for (const [name, part] of Object.entries(PARTS)) {
    for (let i = 0; i < 3; i += 1) time(part);
    const list = samples.get(name) ?? [];
    for (let i = 0; i < 15; i += 1) list.push(time(part));
    samples.set(name, list);
  }
}
console.log('| part (4.6M weights) | ms, median |\n| --- | --- |');
for (const [name, list] of samples) console.log(`| ${name} | ${median(list).toFixed(2)} |`);
