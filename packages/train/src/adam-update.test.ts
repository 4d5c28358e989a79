import { selectBackend } from '@bayesrnn/core';
import { decayIntoSubnormals, expectFlushedDecay, kernelSourceSha256 } from '@bayesrnn/testing';
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAdam } from './adam.js';
import {
  ADAM_STEP_KERNEL,
  type AdamUpdateScalars,
  adamUpdate,
  composedAdamUpdate,
} from './adam-update.js';
import { ADAM_STEP_SOURCE_SHA256 } from './adam-wasm.generated.js';

it('the fused kernel was compiled from the committed source (rerun scripts/build-wasm-kernel.sh)', () => {
  const source = new URL('../wasm/adam-step.c', import.meta.url);
  expect(kernelSourceSha256(source)).toBe(ADAM_STEP_SOURCE_SHA256);
});

/** 1,027 elements: whole groups of four and a tail of three. */
function wave(phase: number, scale: number): tf.Tensor {
  return tf.tensor1d(
    Float32Array.from({ length: 1027 }, (_, i) => scale * Math.sin(i * 0.73 + phase)),
  );
}

describe('fused Adam update on wasm', () => {
  beforeAll(async () => {
    await selectBackend({ name: 'wasm', log: () => {} });
  });
  afterAll(async () => {
    await selectBackend({ name: 'cpu', log: () => {} });
  });

  it('gives the composed ops numbers bit for bit, at several step counts and scales', () => {
    const before = tf.memory().numTensors;
    for (const [t, gradientScale] of [
      [1, 1],
      [2, 0.37],
      [37, 1],
      [5000, 0.0731],
    ] as const) {
      const equal = tf.tidy(() => {
        const scalars: AdamUpdateScalars = {
          beta1: 0.9,
          beta2: 0.999,
          epsilon: 1e-8,
          learningRate: 2e-3,
          gradientScale,
          correction1: tf.sub(1, tf.pow(0.9, tf.scalar(t))) as tf.Scalar,
          correction2: tf.sub(1, tf.pow(0.999, tf.scalar(t))) as tf.Scalar,
        };
        const args = [wave(0, 0.2), wave(1, 0.01), wave(2, 1e-3), tf.abs(wave(3, 1e-5))] as const;
        const fused = adamUpdate(...args, scalars);
        const composed = composedAdamUpdate(...args, scalars);
        return [
          [fused.stepped, composed.stepped],
          [fused.firstMoment, composed.firstMoment],
          [fused.secondMoment, composed.secondMoment],
        ].map(([a, b]) => Array.from(a?.dataSync() ?? []).every((x, i) => x === b?.dataSync()[i]));
      });
      expect(equal).toEqual([true, true, true]);
    }
    expect(tf.memory().numTensors).toBe(before);
  });

  it('flushes moments that decay below 2^-126 to zero (FTZ), and keeps NaN', () => {
    const before = tf.memory().numTensors;
    const [fused, composed] = tf.tidy(() => {
      const { theta, gradient, state } = decayIntoSubnormals();
      const scalars: AdamUpdateScalars = {
        beta1: 0.5,
        beta2: 0.5,
        epsilon: 1e-8,
        learningRate: 1e-3,
        correction1: tf.scalar(0.5),
        correction2: tf.scalar(0.75),
      };
      return [adamUpdate, composedAdamUpdate].map((update) => {
        const next = update(theta, gradient, state, state, scalars);
        return [next.firstMoment, next.secondMoment, next.stepped].map((t) =>
          Array.from(t.dataSync()),
        );
      });
    });
    expect(tf.memory().numTensors).toBe(before);
    const [m = [], v = [], stepped = []] = fused ?? [];
    expectFlushedDecay(m, composed?.[0] ?? [], 'the first moment');
    expectFlushedDecay(v, composed?.[1] ?? [], 'the second moment');
    expect(stepped.slice(0, 4)).toEqual(composed?.[2]?.slice(0, 4));
    expect(stepped[4]).toBeNaN();
  });

  it('is what createAdam runs there: one kernel per weight, no leaked tensors', async () => {
    const adam = createAdam();
    const variables = { w: tf.variable(wave(0, 0.1)), b: tf.variable(tf.zeros([3])) };
    const state = adam.init(variables);
    const gradients = { w: wave(1, 0.05), b: tf.ones([3]) };
    const before = tf.memory().numTensors;
    const profile = await tf.profile(() => {
      const next = adam.apply(variables, gradients, state, 1e-3);
      tf.dispose(next);
    });
    expect(profile.kernels.filter((kernel) => kernel.name === ADAM_STEP_KERNEL)).toHaveLength(2);
    expect(profile.kernelNames).not.toContain('Sqrt');
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose([variables.w, variables.b, state, gradients.w, gradients.b]);
  });
});
