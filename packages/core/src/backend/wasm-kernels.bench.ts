/**
 * tfjs-wasm's own kernels against the ones `registerWasmFixes` puts in their place, on the
 * shapes a PTB-small training step gives them: `npx vitest bench --run src/backend/wasm-kernels`.
 * "tfjs-wasm" runs with tfjs's kernel restored for its rounds, "bayesrnn" with the registered one.
 */
import * as tf from '@tensorflow/tfjs-core';
import { bench, describe } from 'vitest';
import { randomUniform } from '../random/random-ops.js';
import { createKey } from '../random/rng-key.js';
import { selectBackend } from './select-backend.js';
import { registerWasmTranspose, unregisterWasmTranspose } from './wasm-transpose.js';
import { registerWasmUnarySimd, SIMD_TANH, unregisterWasmUnarySimd } from './wasm-unary-simd.js';

await selectBackend({ name: 'wasm', log: () => {} });

const options = { time: 1000, warmupIterations: 5 };

/**
 * Benches `run` with tfjs-wasm's kernel (`restore` before the bench's rounds, `replace` after
 * them) and with the project's.
 */
function sideBySide(run: () => tf.Tensor, restore: () => void, replace: () => void): void {
  const tfjs = { ...options, setup: restore, teardown: replace };
  bench('tfjs-wasm', () => run().dispose(), tfjs);
  bench('bayesrnn', () => run().dispose(), options);
}

const useTfjsTanh = () => unregisterWasmUnarySimd([SIMD_TANH]);
const useOwnTanh = () => registerWasmUnarySimd([SIMD_TANH]);

describe('Tanh [20, 200] (a GRU or vanilla RNN step)', () => {
  const x = randomUniform(createKey(1), [20, 200], -5, 5);
  sideBySide(() => tf.tanh(x), useTfjsTanh, useOwnTanh);
});

describe('Tanh [400, 800]', () => {
  const x = randomUniform(createKey(2), [400, 800], -5, 5);
  sideBySide(() => tf.tanh(x), useTfjsTanh, useOwnTanh);
});

describe('Sigmoid [20, 400] (a GRU step: tfjs-wasm keeps its own, XNNPACK)', () => {
  const x = randomUniform(createKey(3), [20, 400], -5, 5);
  bench('tfjs-wasm', () => tf.sigmoid(x).dispose(), options);
});

describe('Transpose [200, 10000] (the softmax weight, for dlogits · Wᵀ)', () => {
  const x = randomUniform(createKey(4), [200, 10_000]);
  sideBySide(() => tf.transpose(x), unregisterWasmTranspose, registerWasmTranspose);
});

describe('Transpose [200, 800] (an LSTM kernel)', () => {
  const x = randomUniform(createKey(5), [200, 800]);
  sideBySide(() => tf.transpose(x), unregisterWasmTranspose, registerWasmTranspose);
});
