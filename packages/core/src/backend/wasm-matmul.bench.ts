/**
 * Before/after timings of the wasm matmul fixes: `npx vitest bench --run src/backend`.
 * "original" calls the unwrapped tfjs-backend-wasm kernel; "fixed" goes through the engine
 * with `registerWasmFixes` in place, as training does.
 */
import * as tf from '@tensorflow/tfjs-core';
import { bench, describe } from 'vitest';
import { selectBackend } from './select-backend.js';
import { originalKernelFunc } from './wasm-fast-matmul.js';
import { singleOutput } from './wasm-kernel-utils.js';

await selectBackend({ name: 'wasm', log: () => {} });

function original(a: tf.Tensor, b: tf.Tensor, transposeA: boolean, transposeB: boolean) {
  const kernelFunc = originalKernelFunc(tf.getKernel(tf.BatchMatMul, 'wasm').kernelFunc);
  if (kernelFunc === undefined) throw new Error('BatchMatMul is not wrapped');
  const attrs = { transposeA, transposeB };
  const output = kernelFunc({ inputs: { a, b }, backend: tf.backend(), attrs });
  tf.backend().disposeData(singleOutput(output, tf.BatchMatMul).dataId);
}

const options = { time: 1000, warmupIterations: 3 };

describe('wasm [400,200]x[200,800]', () => {
  const a = tf.randomNormal([400, 200], 0, 1, 'float32', 1);
  const b = tf.randomNormal([200, 800], 0, 1, 'float32', 2);
  const aT = tf.transpose(a);
  const bT = tf.transpose(b);
  bench('untransposed (fast path)', () => tf.matMul(a, b).dispose(), options);
  bench('transposeA+B, original kernel', () => original(aT, bT, true, true), options);
  bench('transposeA+B, fixed', () => tf.matMul(aT, bT, true, true).dispose(), options);
  bench('transposeA, original kernel', () => original(aT, b, true, false), options);
  bench('transposeA, fixed', () => tf.matMul(aT, b, true, false).dispose(), options);
  bench('transposeB, original kernel', () => original(a, bT, false, true), options);
  bench('transposeB, fixed', () => tf.matMul(a, bT, false, true).dispose(), options);
});

describe('wasm batched [4,100,200]x[4,200,800]', () => {
  const a = tf.randomNormal([4, 100, 200], 0, 1, 'float32', 3);
  const b = tf.randomNormal([4, 200, 800], 0, 1, 'float32', 4);
  const shared = tf.randomNormal([200, 800], 0, 1, 'float32', 5);
  bench('batched, original kernel', () => original(a, b, false, false), options);
  bench('batched, fixed (split)', () => tf.matMul(a, b).dispose(), options);
  bench('shared weights, original kernel', () => original(a, shared, false, false), options);
  bench('shared weights, fixed (folded)', () => tf.matMul(a, shared).dispose(), options);
});

describe('wasm matmul gradient, [400,200]x[200,800]', () => {
  const a = tf.randomNormal([400, 200], 0, 1, 'float32', 6);
  const b = tf.randomNormal([200, 800], 0, 1, 'float32', 7);
  const gradients = tf.grads((x: tf.Tensor, y: tf.Tensor) => tf.sum(tf.matMul(x, y)));
  bench('forward + backward, fixed', () => tf.dispose(gradients([a, b])), options);
});
