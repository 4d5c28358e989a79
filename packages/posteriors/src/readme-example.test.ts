// The README's example, kept runnable: if this changes, change the README too.
import { createKey, foldIn, uniform, zeros } from '@bayesrnn/core';
import * as tf from '@tensorflow/tfjs-core';
import { expect, it } from 'vitest';
import { createGaussianPosterior, pruneBySignalToNoise, scaleMixturePrior } from './index.js';

it('the README example fits sin(x) by Bayes by Backprop and prunes half the weights', async () => {
  const specs = {
    kernel: { shape: [1, 16], init: uniform(1) },
    bias: { shape: [16], init: zeros() },
    readout: { shape: [16, 1], init: uniform(0.3) },
  };
  const tensorsBefore = tf.memory().numTensors;
  const posterior = createGaussianPosterior({
    specs,
    key: createKey(1),
    prior: scaleMixturePrior(),
  });
  const x = tf.tidy(() => tf.reshape(tf.linspace(-2, 2, 64), [64, 1]));
  const y = tf.sin(x);
  const batches = 1;
  const optimizer = tf.train.adam(0.02);
  const predict = (weights: Record<'kernel' | 'bias' | 'readout', tf.Tensor>) =>
    tf.matMul(tf.tanh(tf.add(tf.matMul(x, weights.kernel), weights.bias)), weights.readout);
  for (let step = 0; step < 500; step += 1) {
    optimizer.minimize(
      () => {
        const { weights, kl } = posterior.draw(foldIn(createKey(2), step), { training: true });
        const nll = tf.div(tf.sum(tf.square(tf.sub(predict(weights), y))), 2 * 0.1 ** 2);
        return tf.add(nll, tf.div(kl, batches)) as tf.Scalar;
      },
      false,
      Object.values(posterior.variables),
    );
  }
  const mean = posterior.mean();
  const error = tf.tidy(() => tf.sqrt(tf.mean(tf.square(tf.sub(predict(mean), y)))).dataSync()[0]);
  // The mean fits sin on [−2, 2] to well under the noise scale 0.1 it was told.
  expect(error).toBeLessThan(0.1);
  const pruned = await pruneBySignalToNoise(posterior, 0.5);
  expect(pruned.pruned).toBe(pruned.total / 2);
  tf.dispose([x, y, ...Object.values(mean), ...Object.values(pruned.weights)]);
  optimizer.dispose();
  tf.dispose(Object.values(posterior.variables));
  // 500 training steps leave nothing behind once the example's own tensors are disposed.
  expect(tf.memory().numTensors).toBe(tensorsBefore);
});
