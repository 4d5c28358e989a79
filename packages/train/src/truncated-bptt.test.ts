import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createKey, disposeTree } from '@bayesrnn/core';
import { expectClose, TOLERANCES } from '@bayesrnn/testing';
import * as tf from '@tensorflow/tfjs-core';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Optimizer } from './optimizer.js';
import { createSgd, type SgdState } from './sgd.js';
import { train } from './train.js';
import type { TrainTask } from './train-task.js';

let outDir = '';
beforeEach(async () => {
  outDir = await mkdtemp(join(tmpdir(), 'bayesrnn-tbptt-'));
});
afterEach(async () => {
  await rm(outDir, { recursive: true, force: true });
});

type ScalarState = { readonly s: tf.Tensor1D };

/**
 * `s_w = w·s_{w−1} + (window + 1)`, loss `s_w²`, from `s₀ = 1` with `w = 0.5`. With the
 * gradient stopped at window boundaries, window 1's gradient treats `s₁` as a constant:
 * `dL₁/dw = 2·s₂·s₁ = 2 · 2.75 · 1.5 = 8.25`. Full BPTT would add the path through window 0:
 * `2·s₂·(s₁ + w·ds₁/dw) = 2 · 2.75 · 2 = 11`.
 */
function chainTask(seen: number[]): { task: TrainTask<ScalarState>; w: tf.Variable } {
  const w = tf.variable(tf.tensor1d([0.5]));
  const task: TrainTask<ScalarState> = {
    variables: { w },
    windowsPerEpoch: 2,
    initialState: () => ({ s: tf.tensor1d([1]) }),
    windowLoss(window, state) {
      seen.push(state.s.dataSync()[0] ?? Number.NaN);
      const s = tf.add(tf.mul(w, state.s), window + 1) as tf.Tensor1D;
      return { loss: tf.sum(tf.square(s)) as tf.Scalar, state: { s }, tokens: 0 };
    },
  };
  return { task, w };
}

/** SGD that also records each gradient it is given. */
function recording(gradients: number[]): Optimizer<SgdState> {
  const sgd = createSgd();
  return {
    name: 'sgd',
    init: (variables) => sgd.init(variables),
    apply(variables, given, state, learningRate) {
      gradients.push(given.w?.dataSync()[0] ?? Number.NaN);
      return sgd.apply(variables, given, state, learningRate);
    },
  };
}

describe('truncated BPTT', () => {
  it('carries the state to the next window but stops its gradient', async () => {
    const seen: number[] = [];
    const gradients: number[] = [];
    const { task, w } = chainTask(seen);
    const options = { key: createKey(1), outDir, epochs: 2, onProgress: false } as const;
    await train(task, { ...options, optimizer: recording(gradients), learningRate: 0 });
    // Window 1 starts from window 0's final state; each epoch starts from s₀ = 1 again.
    expect(seen).toEqual([1, 1.5, 1, 1.5]);
    expect(gradients).toEqual([3, 8.25, 3, 8.25]);
    // Independently: central differences of L₁(w) = (w·1.5 + 2)² with s₁ held constant.
    const lossWithFixedState = (value: number): number => (value * 1.5 + 2) ** 2;
    const h = 1e-3;
    const numeric = (lossWithFixedState(0.5 + h) - lossWithFixedState(0.5 - h)) / (2 * h);
    expectClose(gradients[1] ?? Number.NaN, numeric, TOLERANCES.finiteDifference);
    expect(Math.abs((gradients[1] ?? 0) - 11)).toBeGreaterThan(1);
    w.dispose();
  });

  it('clips by global norm and logs the norm before clipping', async () => {
    const gradients: number[] = [];
    const norms: number[] = [];
    const { task, w } = chainTask([]);
    await train(task, {
      key: createKey(1),
      outDir,
      epochs: 1,
      onProgress: false,
      optimizer: recording(gradients),
      learningRate: 0,
      clipNorm: 1,
      logEvery: 1,
      onLog: (record) => {
        if (record.type === 'step') norms.push(record.gradientNorm as number);
      },
    });
    expectClose(gradients, [1, 1], TOLERANCES.float32);
    expect(norms).toEqual([3, 8.25]);
    w.dispose();
  });

  it('a task may return its input state unchanged (the trainer copies what it keeps)', async () => {
    const w = tf.variable(tf.tensor1d([2]));
    const task: TrainTask<ScalarState> = {
      variables: { w },
      windowsPerEpoch: 3,
      initialState: () => ({ s: tf.tensor1d([1]) }),
      windowLoss: (_window, state) => ({
        loss: tf.sum(tf.mul(w, state.s)) as tf.Scalar,
        state,
        tokens: 1,
      }),
    };
    const before = tf.memory().numTensors;
    const result = await train(task, {
      key: createKey(1),
      outDir,
      epochs: 1,
      onProgress: false,
      optimizer: createSgd(),
      learningRate: 0.5,
    });
    expect(result.steps).toBe(3);
    expect(w.dataSync()[0]).toBe(0.5);
    expect(tf.memory().numTensors).toBe(before);
    disposeTree(w);
  });
});
