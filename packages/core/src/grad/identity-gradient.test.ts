import { expectNoLeaks } from '@bayesrnn/testing';
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, describe, expect, it } from 'vitest';
import { selectBackend } from '../backend/select-backend.js';
import { registerIdentityGradient } from './identity-gradient.js';

/** d/dx Σ clone(x) (ones), and the names of the kernels it ran. */
async function cloneGradient(x: tf.Tensor) {
  const f = (v: tf.Tensor) => tf.sum(tf.clone(v)) as tf.Scalar;
  const profile = await tf.profile(() => tf.grad(f)(x));
  const gradient = profile.result as tf.Tensor;
  const values = Array.from(gradient.dataSync());
  gradient.dispose();
  return { values, kernels: profile.kernels.map((k) => k.name) };
}

describe('registerIdentityGradient: a clone passes its gradient on without a copy', () => {
  afterAll(async () => {
    await selectBackend({ name: 'cpu', log: () => {} });
  });

  for (const backend of ['cpu', 'wasm']) {
    it(`${backend}: the gradient of a clone is dy itself, with no Cast kernel`, async () => {
      await selectBackend({ name: backend, log: () => {} });
      const x = tf.tensor1d([1, -2, 3, 0.5]);
      const { values, kernels } = await cloneGradient(x);
      expect(values).toEqual([1, 1, 1, 1]);
      expect(kernels).toContain('Identity');
      expect(kernels).not.toContain('Cast');
      await expectNoLeaks(async () => {
        await cloneGradient(x);
      });
      // tfjs's own gradient, for contrast: the same backward pass copies dy in a Cast.
      tf.registerGradient({
        kernelName: tf.Identity,
        gradFunc: (dy) => ({ x: () => tf.cast(dy as tf.Tensor, 'float32') }),
      });
      expect((await cloneGradient(x)).kernels).toContain('Cast');
      registerIdentityGradient();
      x.dispose();
    });
  }

  it('is what selectBackend leaves registered, and registering again changes nothing', async () => {
    await selectBackend({ name: 'cpu', log: () => {} });
    const registered = tf.getGradient(tf.Identity)?.gradFunc;
    registerIdentityGradient();
    expect(tf.getGradient(tf.Identity)?.gradFunc).toBe(registered);
    const before = tf.memory().numTensors;
    const x = tf.scalar(3);
    const [dx] = tf.grads((v: tf.Tensor) => tf.mul(tf.clone(v), tf.clone(v)) as tf.Scalar)([x]);
    // d/dx x·x through two clones: 2x.
    expect(dx?.dataSync()[0]).toBe(6);
    tf.dispose([x, dx as tf.Tensor]);
    expect(tf.memory().numTensors).toBe(before);
  });
});
