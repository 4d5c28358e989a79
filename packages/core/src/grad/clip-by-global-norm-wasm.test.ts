import * as tf from '@tensorflow/tfjs-core';
import { afterAll, describe, expect, it } from 'vitest';
import { selectBackend } from '../backend/select-backend.js';
import { randomUniform } from '../random/random-ops.js';
import { createKey } from '../random/rng-key.js';
import { clipByGlobalNorm } from './clip-by-global-norm.js';

/** Clips three gradients (one large enough to split over both threads) on `backend`. */
async function clipOn(backend: string, spread: number, maxNorm: number, poison = false) {
  await selectBackend({ name: backend, log: () => {} });
  const before = tf.memory().numTensors;
  const shapes = [[600, 1_001], [7], [3, 5]];
  const gradients = Object.fromEntries(
    shapes.map((shape, i) => [`g${i}`, randomUniform(createKey(i), shape, -spread, spread)]),
  );
  if (poison) {
    gradients.g1?.dispose();
    gradients.g1 = tf.tensor1d([1, 2, Number.NaN, 4, 5, 6, 7]);
  }
  const out = clipByGlobalNorm(gradients, maxNorm);
  const result = {
    norm: out.globalNorm.dataSync()[0] ?? Number.NaN,
    clipped: Object.values(out.gradients).map((g) => Array.from(g.dataSync())),
    inputs: Object.values(gradients).map((g) => Array.from(g.dataSync())),
  };
  tf.dispose([...Object.values(gradients), ...Object.values(out.gradients), out.globalNorm]);
  expect(tf.memory().numTensors).toBe(before);
  return result;
}

// On wasm the squared norms are one fused pass each, summed in float64, and a norm within
// maxNorm returns the gradients unmultiplied; cpu composes Square, Sum, AddN, Sqrt and Mul.
describe('clipByGlobalNorm on wasm against cpu', () => {
  afterAll(async () => {
    await selectBackend({ name: 'cpu', log: () => {} });
  });

  it('gives the same norm and clipped gradients when it clips', async () => {
    const reference = await clipOn('cpu', 0.1, 5);
    const ours = await clipOn('wasm', 0.1, 5);
    expect(reference.norm).toBeGreaterThan(5);
    expect(Math.abs(ours.norm - reference.norm) / reference.norm).toBeLessThan(1e-6);
    ours.clipped.forEach((g, i) => {
      const r = reference.clipped[i] ?? [];
      for (let j = 0; j < g.length; j++) {
        expect(Math.abs((g[j] ?? 0) - (r[j] ?? 0))).toBeLessThanOrEqual(1e-6 * Math.abs(r[j] ?? 0));
      }
    });
  });

  it('returns the gradients bit for bit when the norm is within maxNorm', async () => {
    const ours = await clipOn('wasm', 0.001, 5);
    expect(ours.norm).toBeLessThan(5);
    expect(ours.clipped).toEqual(ours.inputs);
  });

  it('propagates a NaN to the norm and every gradient', async () => {
    const ours = await clipOn('wasm', 0.001, 5, true);
    expect(ours.norm).toBeNaN();
    expect(ours.clipped.every((g) => g.some(Number.isNaN))).toBe(true);
  });
});
