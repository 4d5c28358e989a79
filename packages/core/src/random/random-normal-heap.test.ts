import * as tf from '@tensorflow/tfjs-core';
import { afterAll, describe, expect, it } from 'vitest';
import { selectBackend } from '../backend/select-backend.js';
import { fillStandardNormalArray, randomNormal, standardNormalArray } from './random-ops.js';
import { createKey } from './rng-key.js';

/** randomNormal on each backend; on wasm it writes into the tensor's memory, not a copy. */
describe.each(['wasm', 'cpu'])('randomNormal on %s', (backend) => {
  afterAll(async () => {
    await selectBackend({ name: 'cpu', log: () => {} });
  });

  it('holds exactly the draws of standardNormalArray, scaled, and leaves one tensor', async () => {
    await selectBackend({ name: backend, log: () => {} });
    const key = createKey(7);
    const before = tf.memory().numTensors;
    const draws = randomNormal(key, [3, 5, 7]);
    const scaled = randomNormal(key, [105], { mean: 2, stddev: 0.5 });
    expect(tf.memory().numTensors).toBe(before + 2);
    const reference = standardNormalArray(key, 105);
    expect(Array.from(draws.dataSync())).toEqual(Array.from(reference));
    expect(draws.shape).toEqual([3, 5, 7]);
    const expected = Float32Array.from(reference, (value) => 2 + 0.5 * value);
    expect(Array.from(scaled.dataSync())).toEqual(Array.from(expected));
    const empty = randomNormal(key, [0, 4]);
    expect(empty.shape).toEqual([0, 4]);
    tf.dispose([draws, scaled, empty]);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('fillStandardNormalArray fills a given array with the same draws', () => {
    const out = new Float32Array(9);
    expect(fillStandardNormalArray(createKey(3), out)).toBe(out);
    expect(Array.from(out)).toEqual(Array.from(standardNormalArray(createKey(3), 9)));
  });
});
