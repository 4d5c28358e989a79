import { createKey, foldIn, randomNormal } from '@bayesrnn/core';
import type { Sampler, Weights } from '@bayesrnn/spec';
import { expectClose, expectNoLeaks } from '@bayesrnn/testing';
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { createSamplerOptimizer } from './sampler-optimizer.js';

/** θ ← θ − η g + 0.1 ξ, written here (samplers live in another package). */
const langevinLike: Sampler<string, { position: Weights }> = {
  init: (weights) => ({
    position: Object.fromEntries(Object.entries(weights).map(([n, w]) => [n, tf.clone(w)])),
  }),
  step: (state, gradient, key, stepSize) => ({
    position: Object.fromEntries(
      Object.entries(state.position).map(([name, theta]) => {
        const g = gradient[name];
        if (g === undefined) throw new Error(`no gradient for ${name}`);
        return [
          name,
          tf.tidy(() =>
            tf.add(
              tf.sub(theta, tf.mul(g, stepSize)),
              tf.mul(randomNormal(foldIn(key, name), theta.shape), 0.1),
            ),
          ),
        ];
      }),
    ),
  }),
  position: (state) => state.position,
};

describe('createSamplerOptimizer', () => {
  it('assigns the new position, zero-fills missing gradients, and leaks nothing', async () => {
    const variables = { a: tf.variable(tf.tensor1d([1, 2])), b: tf.variable(tf.tensor1d([3])) };
    const optimizer = createSamplerOptimizer(langevinLike, 'langevin-like');
    const state = optimizer.init(variables);
    const key = createKey(4);
    const noise = (name: string, size: number) =>
      tf.tidy(() => Array.from(randomNormal(foldIn(key, name), [size]).dataSync()));
    let next: { position: Weights } | undefined;
    await expectNoLeaks(() => {
      const gradient = tf.tensor1d([0.5, -1]);
      // `b` gets no gradient: its step is the noise alone.
      next = optimizer.apply(variables, { a: gradient }, state, 0.1, key);
      gradient.dispose();
      tf.dispose(Object.values(state.position));
    }, 'the state swap');
    const [na, nb] = [noise('a', 2), noise('b', 1)];
    expectClose(
      variables.a.dataSync(),
      [1 - 0.05 + 0.1 * (na[0] ?? 0), 2 + 0.1 + 0.1 * (na[1] ?? 0)],
      {
        rtol: 1e-6,
        atol: 1e-6,
      },
    );
    expectClose(variables.b.dataSync(), [3 + 0.1 * (nb[0] ?? 0)], { rtol: 1e-6, atol: 1e-6 });
    expect(() => optimizer.apply(variables, {}, next as { position: Weights }, 0.1)).toThrow(/key/);
    tf.dispose([...Object.values(next?.position ?? {}), variables.a, variables.b]);
  });
});

describe('createSamplerOptimizer with a sampler that scales gradients itself', () => {
  /** Records the scale of each step; the position is θ − η · (g · scale). */
  const calls: (number | undefined)[] = [];
  const scaling: Sampler<string, { position: Weights }> = {
    acceptsGradientScale: true,
    init: (weights) => ({
      position: Object.fromEntries(Object.entries(weights).map(([n, w]) => [n, tf.clone(w)])),
    }),
    step: (state, gradient, _key, stepSize, gradientScale) => {
      calls.push(gradientScale);
      return {
        position: Object.fromEntries(
          Object.entries(state.position).map(([name, theta]) => [
            name,
            tf.tidy(() =>
              tf.sub(
                theta,
                tf.mul(tf.mul(gradient[name] as tf.Tensor, gradientScale ?? 1), stepSize),
              ),
            ),
          ]),
        ),
      };
    },
    position: (state) => state.position,
  };

  it("says so, and hands the sampler clipping's factor (none when there is no clipping)", async () => {
    const variables = { a: tf.variable(tf.tensor1d([1, 2])) };
    const optimizer = createSamplerOptimizer(scaling, 'scaling');
    expect(optimizer.acceptsGradientScale).toBe(true);
    expect(createSamplerOptimizer(langevinLike, 'plain').acceptsGradientScale).toBe(false);
    let state = optimizer.init(variables);
    const gradient = tf.tensor1d([0.5, -1]);
    await expectNoLeaks(() => {
      for (const scale of [0.25, undefined]) {
        const next = optimizer.apply(variables, { a: gradient }, state, 0.1, createKey(1), scale);
        tf.dispose(Object.values(state.position));
        state = next;
      }
    }, 'two scaled sampler steps');
    expect(calls).toEqual([0.25, undefined]);
    // 1 − 0.1·(0.5·0.25) − 0.1·0.5 and 2 + 0.1·0.25 + 0.1.
    expectClose(variables.a.dataSync(), [0.9375, 2.125], { rtol: 1e-6, atol: 1e-7 });
    tf.dispose([gradient, variables.a, ...Object.values(state.position)]);
  });
});
