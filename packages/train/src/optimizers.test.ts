import { disposeTree } from '@bayesrnn/core';
import { expectClose, expectNoLeaks, TOLERANCES } from '@bayesrnn/testing';
import * as tf from '@tensorflow/tfjs-core';
import { afterEach, describe, expect, it } from 'vitest';
import { createAdam } from './adam.js';
import type { Optimizer } from './optimizer.js';
import { createRmsprop } from './rmsprop.js';
import { createSgd } from './sgd.js';

const GRADIENTS = [
  [0.5, -1],
  [0.1, 2],
  [-0.3, 0.4],
];

let made: tf.Variable[] = [];
afterEach(() => {
  for (const variable of made) variable.dispose();
  made = [];
});

function weights(): { theta: tf.Variable } {
  const theta = tf.variable(tf.tensor1d([1, -2]));
  made.push(theta);
  return { theta };
}

/** Applies the first `steps` fixed gradients; returns θ after each step. */
function run(optimizer: Optimizer, steps: number, learningRate: number): number[][] {
  const variables = weights();
  let state = optimizer.init(variables);
  const trace: number[][] = [];
  for (const values of GRADIENTS.slice(0, steps)) {
    const gradient = tf.tensor1d(values);
    const next = optimizer.apply(variables, { theta: gradient }, state, learningRate);
    gradient.dispose();
    disposeTree(state);
    state = next;
    trace.push(Array.from(variables.theta.dataSync()));
  }
  disposeTree(state);
  return trace;
}

describe('SGD', () => {
  it('steps θ − η·g (hand-computed)', () => {
    const trace = run(createSgd(), 2, 0.1);
    expectClose(trace[0] ?? [], [0.95, -1.9], TOLERANCES.float32);
    expectClose(trace[1] ?? [], [0.94, -2.1], TOLERANCES.float32);
  });

  it('applies weight decay θ ← θ′ − λθ′ after the step', () => {
    const trace = run(createSgd({ weightDecay: 0.01 }), 2, 0.1);
    expectClose(trace[0] ?? [], [0.9405, -1.881], TOLERANCES.float32);
    expectClose(trace[1] ?? [], [0.921195, -2.06019], TOLERANCES.float32);
  });

  it('accumulates heavy-ball momentum b ← μb + g', () => {
    const trace = run(createSgd({ momentum: 0.9 }), 2, 0.1);
    expectClose(trace[0] ?? [], [0.95, -1.9], TOLERANCES.float32);
    // b₂ = 0.9·(0.5, −1) + (0.1, 2) = (0.55, 1.1)
    expectClose(trace[1] ?? [], [0.895, -2.01], TOLERANCES.float32);
  });
});

describe('Adam', () => {
  it('takes a first step of η·sign(g) (bias correction makes m̂ = g, v̂ = g²)', () => {
    const trace = run(createAdam(), 1, 0.1);
    expectClose(trace[0] ?? [], [0.9, -1.9], TOLERANCES.float32);
  });

  it('matches Algorithm 1 computed in float64 over three steps', () => {
    const [beta1, beta2, epsilon, lr] = [0.9, 0.999, 1e-8, 0.1];
    const theta = [1, -2];
    const m = [0, 0];
    const v = [0, 0];
    const expected: number[][] = [];
    GRADIENTS.forEach((g, index) => {
      const t = index + 1;
      for (let i = 0; i < 2; i += 1) {
        const gi = g[i] ?? 0;
        m[i] = beta1 * (m[i] ?? 0) + (1 - beta1) * gi;
        v[i] = beta2 * (v[i] ?? 0) + (1 - beta2) * gi * gi;
        const mHat = (m[i] ?? 0) / (1 - beta1 ** t);
        const vHat = (v[i] ?? 0) / (1 - beta2 ** t);
        theta[i] = (theta[i] ?? 0) - (lr * mHat) / (Math.sqrt(vHat) + epsilon);
      }
      expected.push([...theta]);
    });
    const trace = run(createAdam(), 3, lr);
    for (let step = 0; step < 3; step += 1) {
      expectClose(trace[step] ?? [], expected[step] ?? [], TOLERANCES.float32, `step ${step + 1}`);
    }
  });

  it('counts steps in its state', () => {
    const variables = weights();
    const adam = createAdam();
    const state = adam.init(variables);
    const gradient = tf.tensor1d([1, 1]);
    const next = adam.apply(variables, { theta: gradient }, state, 0.1);
    expect(next.count.dataSync()[0]).toBe(1);
    expect(Object.keys(next.firstMoment)).toEqual(['theta']);
    gradient.dispose();
    disposeTree([state, next]);
  });
});

describe('RMSprop', () => {
  it('first step: v = (1−ρ)g², so θ moves by η·g/|g|·√10 for ρ = 0.9', () => {
    const trace = run(createRmsprop(), 1, 0.1);
    expectClose(
      trace[0] ?? [],
      [1 - 0.1 * Math.sqrt(10), -2 + 0.1 * Math.sqrt(10)],
      TOLERANCES.float32,
    );
  });

  it('matches v ← ρv + (1−ρ)g², θ ← θ − ηg/(√v + ε) over three steps with weight decay', () => {
    const [rho, epsilon, lr, decay] = [0.9, 1e-8, 0.01, 0.001];
    const theta = [1, -2];
    const v = [0, 0];
    const expected: number[][] = [];
    for (const g of GRADIENTS) {
      for (let i = 0; i < 2; i += 1) {
        const gi = g[i] ?? 0;
        v[i] = rho * (v[i] ?? 0) + (1 - rho) * gi * gi;
        const stepped = (theta[i] ?? 0) - (lr * gi) / (Math.sqrt(v[i] ?? 0) + epsilon);
        theta[i] = stepped - decay * stepped;
      }
      expected.push([...theta]);
    }
    const trace = run(createRmsprop({ weightDecay: decay }), 3, lr);
    for (let step = 0; step < 3; step += 1) {
      expectClose(trace[step] ?? [], expected[step] ?? [], TOLERANCES.float32, `step ${step + 1}`);
    }
  });
});

describe('every optimiser', () => {
  const optimizers: Optimizer[] = [createSgd({ momentum: 0.5 }), createAdam(), createRmsprop()];

  it.each(optimizers.map((optimizer) => [optimizer.name, optimizer] as const))(
    '%s: a variable without gradient gets a zero one; no tensors leak',
    async (_name, optimizer) => {
      const variables = { ...weights(), frozen: tf.variable(tf.tensor1d([3])) };
      made.push(variables.frozen);
      const state = optimizer.init(variables);
      const gradient = tf.tensor1d([1, 1]);
      await expectNoLeaks(() => {
        const next = optimizer.apply(variables, { theta: gradient }, state, 0.1);
        disposeTree(next);
      });
      expect(variables.frozen.dataSync()[0]).toBe(3);
      gradient.dispose();
      disposeTree(state);
    },
  );

  it.each(optimizers.map((optimizer) => [optimizer.name, optimizer] as const))(
    '%s: rejects a gradient of the wrong shape and a negative learning rate',
    (_name, optimizer) => {
      const variables = weights();
      const state = optimizer.init(variables);
      const wrong = tf.tensor1d([1, 2, 3]);
      expect(() => optimizer.apply(variables, { theta: wrong }, state, 0.1)).toThrow(/shape \[3\]/);
      expect(() => optimizer.apply(variables, {}, state, -1)).toThrow(/learning rate/);
      wrong.dispose();
      disposeTree(state);
    },
  );

  it('rejects invalid hyperparameters', () => {
    expect(() => createSgd({ momentum: 1 })).toThrow(/momentum/);
    expect(() => createAdam({ beta2: -0.1 })).toThrow(/beta2/);
    expect(() => createRmsprop({ decay: Number.NaN })).toThrow(/decay/);
  });
});
