import { selectBackend } from '@bayesrnn/core';
import {
  decayIntoSubnormals,
  expectFlushedDecay,
  expectNoLeaks,
  kernelSourceSha256,
} from '@bayesrnn/testing';
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRmsprop } from './rmsprop.js';
import {
  composedRmspropUpdate,
  RMSPROP_STEP_KERNEL,
  type RmspropUpdateScalars,
  rmspropUpdate,
} from './rmsprop-update.js';
import { RMSPROP_STEP_SOURCE_SHA256 } from './rmsprop-wasm.generated.js';

it('the fused kernel was compiled from the committed source (rerun scripts/build-wasm-kernel.sh)', () => {
  const source = new URL('../wasm/rmsprop-step.c', import.meta.url);
  expect(kernelSourceSha256(source)).toBe(RMSPROP_STEP_SOURCE_SHA256);
});

/** 1,027 elements: whole groups of four and a tail of three. */
function wave(phase: number, scale: number): tf.Tensor {
  return tf.tensor1d(
    Float32Array.from({ length: 1027 }, (_, i) => scale * Math.sin(i * 0.73 + phase)),
  );
}

describe('fused RMSprop update on wasm', () => {
  beforeAll(async () => {
    await selectBackend({ name: 'wasm', log: () => {} });
  });
  afterAll(async () => {
    await selectBackend({ name: 'cpu', log: () => {} });
  });

  it('gives the composed ops numbers bit for bit, for several settings and clipping scales', async () => {
    const settings: RmspropUpdateScalars[] = [
      { decay: 0.9, epsilon: 1e-8, learningRate: 1e-3 },
      { decay: 0.99, epsilon: 1e-8, learningRate: 2e-3, gradientScale: 0.37 },
      { decay: 0.5, epsilon: 1e-3, learningRate: 0.1, gradientScale: 0.0731 },
    ];
    await expectNoLeaks(() => {
      for (const scalars of settings) {
        const equal = tf.tidy(() => {
          // The mean square from zero (a first step) and from a running value.
          const args = [wave(0, 0.2), wave(1, 0.01), tf.abs(wave(3, 1e-5))] as const;
          const fused = rmspropUpdate(...args, scalars);
          const composed = composedRmspropUpdate(...args, scalars);
          const first = rmspropUpdate(args[0], args[1], tf.zeros([1027]), scalars);
          const firstComposed = composedRmspropUpdate(args[0], args[1], tf.zeros([1027]), scalars);
          return [
            [fused.stepped, composed.stepped],
            [fused.meanSquare, composed.meanSquare],
            [first.stepped, firstComposed.stepped],
          ].map(([a, b]) =>
            Array.from(a?.dataSync() ?? []).every((x, i) => x === b?.dataSync()[i]),
          );
        });
        expect(equal).toEqual([true, true, true]);
      }
    }, 'the fused and composed RMSprop updates');
  });

  it('flushes a mean square that decays below 2^-126 to zero (FTZ), and keeps NaN', () => {
    const before = tf.memory().numTensors;
    const [fused, composed] = tf.tidy(() => {
      const { theta, gradient, state } = decayIntoSubnormals();
      const scalars = { decay: 0.5, epsilon: 1e-8, learningRate: 1e-3 };
      return [rmspropUpdate, composedRmspropUpdate].map((update) => {
        const { stepped, meanSquare } = update(theta, gradient, state, scalars);
        return { next: meanSquare.dataSync(), stepped: Array.from(stepped.dataSync()) };
      });
    });
    expect(tf.memory().numTensors).toBe(before);
    expectFlushedDecay(fused?.next ?? [], composed?.next ?? [], 'the mean square');
    expect(fused?.stepped.slice(0, 4)).toEqual(composed?.stepped.slice(0, 4));
    expect(fused?.stepped[4]).toBeNaN();
  });

  it('is what createRmsprop runs there: one kernel per weight, no leaked tensors', async () => {
    const rmsprop = createRmsprop({ decay: 0.99 });
    const variables = { w: tf.variable(wave(0, 0.1)), b: tf.variable(tf.zeros([3])) };
    const state = rmsprop.init(variables);
    const gradients = { w: wave(1, 0.05), b: tf.ones([3]) };
    let kernels: string[] = [];
    await expectNoLeaks(async () => {
      const profile = await tf.profile(() => {
        tf.dispose(rmsprop.apply(variables, gradients, state, 1e-3));
      });
      kernels = profile.kernels.map((kernel) => kernel.name);
    }, 'an RMSprop step');
    expect(kernels.filter((name) => name === RMSPROP_STEP_KERNEL)).toHaveLength(2);
    expect(kernels).not.toContain('Sqrt');
    tf.dispose([variables.w, variables.b, state, gradients.w, gradients.b]);
  });
});
