import { createKey, disposeTree, foldIn } from '@bayesrnn/core';
import { expectClose, TOLERANCES } from '@bayesrnn/testing';
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import {
  CORRELATED,
  gaussianGradient,
  momentErrors,
  runChains,
} from './__fixtures__/gaussian-target.js';
import { createSghmc } from './sghmc.js';
import { createSgld } from './sgld.js';

const THETA = [0.5, -1, 2];
const GRADIENTS = [
  [0.1, 0.2, -0.3],
  [-0.4, 0.05, 0.3],
  [0.2, -0.6, 0.01],
];

describe('createSghmc', () => {
  it('with temperature 0 is heavy-ball SGD, computed by hand over 3 steps', () => {
    const [datasetSize, priorVariance, friction, eta] = [4, 2, 0.25, 0.1];
    const sghmc = createSghmc<'w'>({ datasetSize, priorVariance, friction, temperature: 0 });
    const tensorsBefore = tf.memory().numTensors;
    const initial = { w: tf.tensor1d(THETA) };
    let state = sghmc.init(initial);
    initial.w.dispose();
    const theta = [...THETA];
    const v = THETA.map(() => 0);
    for (const [t, g] of GRADIENTS.entries()) {
      const gradient = { w: tf.tensor1d(g) };
      const next = sghmc.step(state, gradient, foldIn(createKey(1), t), eta);
      disposeTree([state, gradient]);
      state = next;
      theta.forEach((x, i) => {
        const drift = (g[i] ?? 0) + x / (priorVariance * datasetSize);
        v[i] = (1 - friction) * (v[i] ?? 0) - eta * drift;
        theta[i] = x + (v[i] ?? 0);
      });
    }
    expectClose(state.momentum.w, v, TOLERANCES.float32, 'momentum');
    expectClose(sghmc.position(state).w, theta, TOLERANCES.float32, 'position');
    disposeTree(state);
    expect(tf.memory().numTensors).toBe(tensorsBefore);
  });

  it('with friction 1 is SGLD, noise included (same key)', () => {
    const config = { datasetSize: 3, priorVariance: 0.5, temperature: 1.5 };
    const sghmc = createSghmc<'w'>({ ...config, friction: 1 });
    const sgld = createSgld<'w'>(config);
    let a = sghmc.init({ w: tf.tensor1d(THETA) });
    let b = sgld.init({ w: tf.tensor1d(THETA) });
    for (const [t, g] of GRADIENTS.entries()) {
      const key = foldIn(createKey(2), t);
      const gradient = { w: tf.tensor1d(g) };
      const [nextA, nextB] = [sghmc.step(a, gradient, key, 0.2), sgld.step(b, gradient, key, 0.2)];
      disposeTree([a, b, gradient]);
      [a, b] = [nextA, nextB];
    }
    expectClose(sghmc.position(a).w, sgld.position(b).w, TOLERANCES.float32, 'position');
    disposeTree([a, b]);
  });

  it('samples a correlated 2-D Gaussian: 10 000 chains × 600 steps', () => {
    // α = 0.1, η = 0.01: both modes are underdamped (α < 2√(ηa)) and relax at rate α/2 per
    // step, so 600 steps leave e^−30 of the start offset. Discretisation bias (exact stationary
    // covariance of this linear recursion): +1.3 % variance on the 0.2-variance mode, ≤ 0.002
    // standardised. MC error as for SGLD (0.01 means, 0.014 covariances); tolerances ≈ 5 SE.
    const sghmc = createSghmc<'x'>({ datasetSize: 1, priorVariance: Number.POSITIVE_INFINITY });
    const samples = runChains(sghmc, {
      chains: 10_000,
      steps: 600,
      stepSize: 0.01,
      start: [0, 0],
      seed: 4,
      gradient: gaussianGradient(CORRELATED),
    });
    const errors = momentErrors(samples, CORRELATED);
    expect(errors.mean).toBeLessThan(0.05);
    expect(errors.covariance).toBeLessThan(0.07);
  });
});
