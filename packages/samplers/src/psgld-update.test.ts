import { createKey, selectBackend } from '@bayesrnn/core';
import {
  decayIntoSubnormals,
  expectFlushedDecay,
  expectNoLeaks,
  kernelSourceSha256,
} from '@bayesrnn/testing';
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  composedPsgldUpdate,
  PSGLD_NOISY_STEP_KERNEL,
  PSGLD_STEP_KERNEL,
  type PsgldUpdateScalars,
  psgldUpdate,
} from './psgld-update.js';
import { PSGLD_STEP_SOURCE_SHA256 } from './psgld-wasm.generated.js';

it('the fused kernel was compiled from the committed source (rerun scripts/build-wasm-kernel.sh)', () => {
  const source = new URL('../wasm/psgld-step.c', import.meta.url);
  expect(kernelSourceSha256(source)).toBe(PSGLD_STEP_SOURCE_SHA256);
});

/** 4,099 elements: whole groups of four and a tail of three. */
const SHAPE = [4099];

function wave(phase: number, scale: number): tf.Tensor {
  return tf.tensor1d(
    Float32Array.from({ length: SHAPE[0] ?? 0 }, (_, i) => scale * Math.sin(i * 0.61 + phase)),
  );
}

const FULL: PsgldUpdateScalars = {
  beta: 0.99,
  lambda: 1e-3,
  stepSize: 0.01,
  precision: 1 / (2 * 500),
  noiseVariance: (2 * 0.01) / 500,
};

/** Largest |a − b| relative to max(|b|, 1e-6), over all elements. */
function worstRelative(a: tf.Tensor, b: tf.Tensor): number {
  const x = a.dataSync();
  const y = b.dataSync();
  let worst = 0;
  for (let i = 0; i < y.length; i++) {
    const scale = Math.max(Math.abs(y[i] ?? 0), 1e-6);
    worst = Math.max(worst, Math.abs((x[i] ?? 0) - (y[i] ?? 0)) / scale);
  }
  return worst;
}

describe('fused pSGLD update on wasm', () => {
  beforeAll(async () => {
    await selectBackend({ name: 'wasm', log: () => {} });
  });
  afterAll(async () => {
    await selectBackend({ name: 'cpu', log: () => {} });
  });

  const cases: [string, PsgldUpdateScalars][] = [
    ['prior and noise', FULL],
    ['no prior (σ² = ∞)', { ...FULL, precision: 0 }],
    ['no noise (T = 0)', { ...FULL, noiseVariance: 0 }],
    ['a clipped gradient (scale 0.37)', { ...FULL, gradientScale: 0.37 }],
  ];
  it.each(cases)('matches the composed ops bit for bit: %s', (_, scalars) => {
    const before = tf.memory().numTensors;
    const worst = tf.tidy(() => {
      const theta = wave(0, 0.3);
      const gradient = wave(1, 0.05);
      const moment = tf.abs(wave(2, 1e-3));
      const key = createKey(11);
      const fused = psgldUpdate(theta, gradient, moment, key, 'w', scalars);
      const composed = composedPsgldUpdate(theta, gradient, moment, key, 'w', scalars);
      return [
        worstRelative(fused.position, composed.position),
        worstRelative(fused.secondMoment, composed.secondMoment),
      ];
    });
    // Same float32 operations in the same order: not just close, equal.
    expect(worst).toEqual([0, 0]);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('flushes a second moment that decays below 2^-126 to zero (FTZ), and keeps NaN', () => {
    const before = tf.memory().numTensors;
    const [fused, composed] = tf.tidy(() => {
      const { theta, gradient, state } = decayIntoSubnormals();
      const scalars = { ...FULL, beta: 0.5 };
      return [psgldUpdate, composedPsgldUpdate].map((update) => {
        const next = update(theta, gradient, state, createKey(5), 'w', scalars);
        return [next.secondMoment, next.position].map((t) => Array.from(t.dataSync()));
      });
    });
    expect(tf.memory().numTensors).toBe(before);
    expectFlushedDecay(fused?.[0] ?? [], composed?.[0] ?? [], 'the second moment');
    expect(fused?.[1]?.[4]).toBeNaN();
  });

  it('runs as its own kernel, and draws the noise the composed path draws', async () => {
    const before = tf.memory().numTensors;
    const key = createKey(3);
    const [fusedNoise, composedNoise] = tf.tidy(() => {
      // Zero gradient and moment: θ' = θ + sqrt(s/λ) ξ, so (θ' − θ)/sqrt(s/λ) is ξ itself.
      const theta = tf.zeros(SHAPE);
      const zero = tf.zeros(SHAPE);
      const scalars = { ...FULL, precision: 0 };
      const fused = psgldUpdate(theta, zero, zero, key, 'w', scalars).position;
      const composed = composedPsgldUpdate(theta, zero, zero, key, 'w', scalars).position;
      return [Array.from(fused.dataSync()), Array.from(composed.dataSync())];
    });
    expect(fusedNoise).toEqual(composedNoise);
    const kernelsOf = async (scalars: PsgldUpdateScalars) => {
      const profile = await tf.profile(() =>
        tf.tidy(() => {
          const x = tf.ones([8]);
          psgldUpdate(x, x, x, key, 'w', scalars);
        }),
      );
      return profile.kernelNames.filter((name) => name !== 'Fill');
    };
    // One kernel for the whole update (plus the Fill of the test's ones): no Sqrt, Mul, no
    // separate noise pass; without noise the one that reads none.
    expect(await kernelsOf(FULL)).toEqual([PSGLD_NOISY_STEP_KERNEL]);
    expect(await kernelsOf({ ...FULL, noiseVariance: 0 })).toEqual([PSGLD_STEP_KERNEL]);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('draws the same noise when a weight spans several noise blocks (split over threads)', async () => {
    // 150,001 elements: ten noise blocks of 16,384, the last one partial, and a tail.
    const size = 150_001;
    const ramp = (scale: number) =>
      tf.tensor1d(Float32Array.from({ length: size }, (_, i) => scale * Math.cos(i * 0.37)));
    await expectNoLeaks(() => {
      const same = tf.tidy(() => {
        const [theta, gradient, moment] = [ramp(0.3), ramp(0.02), tf.abs(ramp(1e-4))];
        const scalars = { ...FULL, gradientScale: 0.5 };
        const fused = psgldUpdate(theta, gradient, moment, createKey(8), 'w', scalars);
        const composed = composedPsgldUpdate(theta, gradient, moment, createKey(8), 'w', scalars);
        const [a, b] = [fused.position.dataSync(), composed.position.dataSync()];
        return a.every((x, i) => x === b[i]);
      });
      expect(same).toBe(true);
    }, 'a multi-block pSGLD update');
  });
});
