import { clipScale, disposeTree, selectBackend } from '@bayesrnn/core';
import { checkLeaksAfterEachTest, expectNoLeaks } from '@bayesrnn/testing';
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, describe, expect, it } from 'vitest';
import { createAdam } from './adam.js';
import { firstClippedStep, linearTask } from './linear-task.fixture.js';
import type { Gradients, Optimizer, OptimizerState } from './optimizer.js';
import { createRmsprop } from './rmsprop.js';

checkLeaksAfterEachTest();

/** Wraps `inner`, recording the gradients' first values and the scale each update is given. */
function recording(inner: Optimizer, accepts: boolean, calls: unknown[][]): Optimizer {
  return {
    name: inner.name,
    acceptsGradientScale: accepts,
    init: (variables) => inner.init(variables),
    apply(variables, gradients: Gradients, state, learningRate, key, gradientScale) {
      calls.push([gradients.b?.dataSync()[0], gradientScale]);
      return inner.apply(variables, gradients, state, learningRate, key, gradientScale);
    },
  };
}

/** One clipped step (clipNorm 5) of `inner`, given the scale or scaled gradients; w afterwards. */
async function clippedStep(inner: Optimizer, accepts: boolean, calls: unknown[][]) {
  const { task, dispose } = linearTask();
  const optimizer = recording(inner, accepts, calls);
  const optimizerState: OptimizerState = optimizer.init(task.variables);
  let norm = Number.NaN;
  // The step's gradients, norm and scaled copies are gone after it; its new states are disposed.
  await expectNoLeaks(async () => {
    const result = await firstClippedStep(task, optimizer, optimizerState, 0.01);
    norm = result.gradientNorm;
    disposeTree([result.optimizerState ?? [], result.state ?? []]);
  }, `a clipped ${inner.name} step (acceptsGradientScale ${accepts})`);
  const w = Array.from(task.variables.w?.dataSync() ?? []);
  disposeTree(optimizerState);
  dispose();
  return { w, norm };
}

describe.each(['cpu', 'wasm'])('a clipped step on %s', (backend) => {
  afterAll(async () => {
    await selectBackend({ name: 'cpu', log: () => {} });
  });

  it.each([
    ['Adam', createAdam],
    ['RMSprop', createRmsprop],
  ])(
    'gives %s the scale, or scaled copies, with the same numbers bit for bit',
    async (_, create) => {
      await selectBackend({ name: backend, log: () => {} });
      const fused: unknown[][] = [];
      const copied: unknown[][] = [];
      const withScale = await clippedStep(create(), true, fused);
      const withCopies = await clippedStep(create(), false, copied);
      expect(withScale.norm).toBeGreaterThan(60);
      const scale = clipScale(withScale.norm, 5);
      // Accepted: the raw gradient of b (1) and the scale; otherwise b's gradient scaled, no scale.
      expect(fused).toEqual([[1, scale]]);
      expect(copied).toEqual([[Math.fround(scale), undefined]]);
      expect(withScale.w).toEqual(withCopies.w);
    },
  );
});

describe('clipScale', () => {
  it("is tfjs's float32 maxNorm / max(norm, maxNorm), 1 within maxNorm, NaN for NaN", async () => {
    const norms = [
      0,
      1e-30,
      4.999999,
      5,
      5.0000001,
      5.5,
      68.25,
      1e7,
      3e38,
      Number.POSITIVE_INFINITY,
    ];
    let expected: number[] = [];
    await expectNoLeaks(() => {
      expected = tf.tidy(() => Array.from(tf.div(5, tf.maximum(tf.tensor1d(norms), 5)).dataSync()));
    });
    expect(norms.map((norm) => clipScale(norm, 5))).toEqual(expected);
    expect(clipScale(4, 5)).toBe(1);
    expect(clipScale(Number.NaN, 5)).toBeNaN();
    expect(() => clipScale(1, 0)).toThrow('clipScale: maxNorm must be positive, got 0');
  });
});
