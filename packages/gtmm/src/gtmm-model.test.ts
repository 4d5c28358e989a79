import { createKey, initWeights } from '@bayesrnn/core';
import { createIntrospectiveMemory } from '@bayesrnn/memory';
import type { Weights } from '@bayesrnn/spec';
import {
  decode,
  decodeAll,
  type EncodedTensor,
  expectClose,
  expectGradientsMatch,
  expectNoLeaks,
  TOLERANCES,
} from '@bayesrnn/testing';
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import fixture from './__fixtures__/gtmm.json' with { type: 'json' };
import { createGtmm, gtmmNoise } from './gtmm-model.js';

const { frameSize, latentSize, hiddenSize, mlpSize, slots, numReads } = fixture.sizes;
const sizes = { frameSize, latentSize, hiddenSize, mlpSize };
const models = {
  vrnn: createGtmm(sizes),
  introspective: createGtmm({
    ...sizes,
    memory: createIntrospectiveMemory({ memorySize: slots, wordSize: latentSize, numReads }),
    latentWrite: true,
  }),
};
type Case = keyof typeof models;

function loss(model: Case, weights: Weights, frames: tf.Tensor, noise: tf.Tensor): tf.Scalar {
  const { nll, kl } = models[model].run(weights, frames as tf.Tensor3D, noise as tf.Tensor3D);
  return tf.sum(tf.add(nll, kl));
}

describe.each(['vrnn', 'introspective'] as const)('%s against the PyTorch reference', (name) => {
  it('gives the per-frame NLL and KL and the gradients of every weight', () => {
    const reference = fixture[name];
    const weights: Record<string, tf.Tensor> = decodeAll<string>(reference.weights);
    expect(Object.keys(models[name].weightSpecs).sort()).toEqual(Object.keys(weights).sort());
    for (const [weightName, spec] of Object.entries(models[name].weightSpecs)) {
      expect(weights[weightName]?.shape, weightName).toEqual(spec.shape);
    }
    const frames = decode(reference.frames);
    const noise = decode(reference.noise);
    tf.tidy(() => {
      const terms = models[name].run(weights, frames as tf.Tensor3D, noise as tf.Tensor3D);
      expectClose(terms.nll, decode(reference.nll), TOLERANCES.reference, 'nll');
      expectClose(terms.kl, decode(reference.kl), TOLERANCES.reference, 'kl');
      const names = Object.keys(weights);
      const grads = tf.grads((...tensors: tf.Tensor[]) =>
        loss(
          name,
          Object.fromEntries(names.map((n, i) => [n, tensors[i] as tf.Tensor])),
          frames,
          noise,
        ),
      )(names.map((n) => weights[n] as tf.Tensor));
      names.forEach((n, i) => {
        const gradients: Record<string, EncodedTensor> = reference.gradients;
        const expected = decode(gradients[n] as EncodedTensor);
        expectClose(grads[i] as tf.Tensor, expected, TOLERANCES.reference, `d loss / d ${n}`);
      });
    });
    tf.dispose([...Object.values(weights), frames, noise]);
  });
});

describe('GTMM', () => {
  it('has the gradient of finite differences', () => {
    const weights = initWeights(models.introspective.weightSpecs, createKey(3));
    const frames = tf.tidy(() =>
      tf.cast(tf.greater(tf.randomUniform([2, 3, frameSize], 0, 1, 'float32', 4), 0.5), 'float32'),
    );
    const noise = gtmmNoise(createKey(5), 2, 3, latentSize);
    const picked = ['interface/kernel', 'controller/kernel', 'prior/out/kernel', 'encoder/kernel'];
    const rest = Object.fromEntries(Object.entries(weights).filter(([n]) => !picked.includes(n)));
    expectGradientsMatch(
      (checked) => loss('introspective', { ...rest, ...checked }, frames, noise),
      Object.fromEntries(picked.map((n) => [n, weights[n] as tf.Tensor])),
      { maxElementsPerInput: 8 },
    );
    tf.dispose([...Object.values(weights), frames, noise]);
  });

  it('draws the same noise from the same key, and its KL is never negative', () => {
    tf.tidy(() => {
      expectClose(
        gtmmNoise(createKey(1), 2, 3, 4),
        gtmmNoise(createKey(1), 2, 3, 4),
        TOLERANCES.float32,
      );
      const weights = initWeights(models.vrnn.weightSpecs, createKey(2));
      const frames = tf.ones([3, 5, frameSize]) as tf.Tensor3D;
      const { kl, nll } = models.vrnn.run(
        weights,
        frames,
        gtmmNoise(createKey(6), 3, 5, latentSize),
      );
      expect(kl.shape).toEqual([3, 5]);
      expect(nll.shape).toEqual([3, 5]);
      expect(tf.min(kl).dataSync()[0]).toBeGreaterThanOrEqual(0);
    });
  });

  it('names what is wrong', () => {
    expect(() => createGtmm({ latentWrite: true })).toThrow(
      'GtmmConfig.latentWrite needs a memory',
    );
    expect(() => createGtmm({ hiddenSize: 0 })).toThrow(
      'GtmmConfig.hiddenSize must be a positive integer, got 0',
    );
    tf.tidy(() => {
      const weights = initWeights(models.vrnn.weightSpecs, createKey(2));
      expect(() =>
        models.vrnn.run(
          weights,
          tf.zeros([2, 3, frameSize + 1]) as tf.Tensor3D,
          tf.zeros([3, 2, latentSize]) as tf.Tensor3D,
        ),
      ).toThrow(`GTMM: frames must have shape [2, 3, ${frameSize}], got [2, 3, ${frameSize + 1}]`);
      expect(() =>
        models.vrnn.run(
          {},
          tf.zeros([2, 3, frameSize]) as tf.Tensor3D,
          tf.zeros([3, 2, latentSize]) as tf.Tensor3D,
        ),
      ).toThrow("GTMM: missing weight 'encoder/kernel'");
    });
  });

  it('leaves no tensors behind', async () => {
    const weights = initWeights(models.introspective.weightSpecs, createKey(7));
    const frames = tf.ones([2, 3, frameSize]) as tf.Tensor3D;
    const noise = gtmmNoise(createKey(8), 2, 3, latentSize);
    await expectNoLeaks(() => {
      const kernel = weights['interface/kernel'] as tf.Tensor;
      const [grad] = tf.grads((k: tf.Tensor) =>
        loss('introspective', { ...weights, 'interface/kernel': k }, frames, noise),
      )([kernel]);
      grad?.dispose();
    }, 'a run and its gradient');
    tf.dispose([...Object.values(weights), frames, noise]);
  });
});
