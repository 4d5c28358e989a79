import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { createKey } from '../random/rng-key.js';
import { initWeights } from './init-weights.js';
import { constant, fans, glorotUniform, uniform, zeros } from './initializers.js';
import { orthogonal } from './orthogonal.js';

const key = createKey(42);

describe('initialisers', () => {
  it('zeros and constant fill exactly', () => {
    const z = zeros()(key, [2, 3]);
    const c = constant(1)(key, [4]);
    expect(Array.from(z.dataSync())).toEqual([0, 0, 0, 0, 0, 0]);
    expect(Array.from(c.dataSync())).toEqual([1, 1, 1, 1]);
    tf.dispose([z, c]);
  });

  it('uniform stays in [-scale, scale] and fills it', () => {
    const u = uniform(0.1)(key, [100, 100]);
    expect(tf.max(u).dataSync()[0]).toBeLessThanOrEqual(0.1);
    expect(tf.min(u).dataSync()[0]).toBeGreaterThanOrEqual(-0.1);
    expect(tf.max(u).dataSync()[0]).toBeGreaterThan(0.099);
    tf.dispose(u);
  });

  it('Glorot uses the Keras fans and limit sqrt(6/(fanIn+fanOut))', () => {
    expect(fans([300, 100])).toEqual({ fanIn: 300, fanOut: 100 });
    expect(fans([3, 3, 16, 32])).toEqual({ fanIn: 144, fanOut: 288 });
    expect(fans([7])).toEqual({ fanIn: 7, fanOut: 7 });
    const g = glorotUniform()(key, [300, 100]);
    const limit = Math.sqrt(6 / 400);
    const absMax = tf.max(tf.abs(g)).dataSync()[0] ?? 0;
    expect(absMax).toBeLessThanOrEqual(limit);
    expect(absMax).toBeGreaterThan(0.99 * limit);
    tf.dispose(g);
  });

  it.each([[[64, 64]], [[200, 50]], [[30, 120]], [[4, 5, 6]]])(
    'orthogonal %j has orthonormal columns or rows',
    (shape) => {
      const w = orthogonal()(key, shape);
      const rows = shape.slice(0, -1).reduce((a, b) => a * b, 1);
      const cols = shape[shape.length - 1] ?? 1;
      const m = tf.reshape(w, [rows, cols]) as tf.Tensor2D;
      const gram = rows >= cols ? tf.matMul(m, m, true, false) : tf.matMul(m, m, false, true);
      const identity = tf.eye(Math.min(rows, cols));
      expect(tf.max(tf.abs(tf.sub(gram, identity))).dataSync()[0]).toBeLessThan(1e-5);
      tf.dispose([w, m, gram, identity]);
    },
  );

  it('orthogonal scales by gain and refuses vectors', () => {
    const w = orthogonal(2)(key, [8, 8]);
    const norm = tf.norm(tf.slice(w, [0, 0], [8, 1])).dataSync()[0];
    expect(norm).toBeCloseTo(2, 5);
    expect(() => orthogonal()(key, [5])).toThrow(/rank ≥ 2/);
    tf.dispose(w);
  });

  it('is deterministic under a key', () => {
    for (const init of [uniform(0.1), glorotUniform(), orthogonal()]) {
      const a = init(key, [10, 6]);
      const b = init(key, [10, 6]);
      const c = init(createKey(43), [10, 6]);
      expect(Array.from(a.dataSync())).toEqual(Array.from(b.dataSync()));
      expect(Array.from(a.dataSync())).not.toEqual(Array.from(c.dataSync()));
      tf.dispose([a, b, c]);
    }
  });
});

describe('initWeights', () => {
  it('makes every named weight, each independent of the others', () => {
    const specs = {
      kernel: { shape: [6, 8], init: glorotUniform() },
      bias: { shape: [8], init: zeros() },
    };
    const before = tf.memory().numTensors;
    const weights = initWeights(specs, key);
    expect(weights.kernel.shape).toEqual([6, 8]);
    expect(weights.bias.shape).toEqual([8]);
    const alone = initWeights({ kernel: specs.kernel }, key);
    expect(Array.from(alone.kernel.dataSync())).toEqual(Array.from(weights.kernel.dataSync()));
    tf.dispose([...Object.values(weights), ...Object.values(alone)]);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('names a weight whose initialiser returns the wrong shape, and leaks nothing', () => {
    const before = tf.memory().numTensors;
    const specs = {
      good: { shape: [2], init: zeros() },
      bad: { shape: [3], init: () => tf.zeros([4]) },
    };
    expect(() => initWeights(specs, key)).toThrow(
      "'bad' initialiser returned shape [4], spec says [3]",
    );
    expect(tf.memory().numTensors).toBe(before);
  });
});
