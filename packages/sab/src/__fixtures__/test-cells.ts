import { uniform, zeros } from '@bayesrnn/core';
import type { Cell, CellStepResult, WindowOptions } from '@bayesrnn/spec';
import * as tf from '@tensorflow/tfjs-core';

/**
 * Minimal cells for this package's tests. `@bayesrnn/cells` is in the same layer, which
 * scripts/check-layers.mjs forbids importing even from tests, so the tests wrap these instead:
 * the same equations and weight layout as its LSTM and vanilla RNN (and as
 * scripts/make-fixtures.py), without dropout or checks.
 */

/** A stand-in for a dropout window: training scales the input by one half. */
export interface TestWindow {
  readonly inputScale: number;
}

export type TestLstmState = { readonly h: tf.Tensor2D; readonly c: tf.Tensor2D };
export type TestRnnState = { readonly h: tf.Tensor2D };
export type TestWeightName = 'kernel' | 'bias';

function startWindow(options: WindowOptions): TestWindow {
  return { inputScale: options.training ? 0.5 : 1 };
}

/** `[x ⊙ scale; h] · kernel + bias`: one matmul over the concatenation. */
function preActivations(
  weights: { readonly kernel: tf.Tensor; readonly bias: tf.Tensor },
  x: tf.Tensor2D,
  h: tf.Tensor2D,
  window: TestWindow | undefined,
): tf.Tensor2D {
  const scaled = tf.mul(x, window?.inputScale ?? 1);
  const joined = tf.concat([scaled, h], 1) as tf.Tensor2D;
  return tf.add(tf.matMul(joined, weights.kernel as tf.Tensor2D), weights.bias) as tf.Tensor2D;
}

/**
 * An LSTM: kernel `[inputSize + hiddenSize, 4 · hiddenSize]` over `[x; h]`, gates i, f, g, o,
 * one bias; c_t = σ(f) c + σ(i) tanh(g), h_t = σ(o) tanh(c_t).
 */
export function testLstmCell(
  inputSize: number,
  hiddenSize: number,
): Cell<TestWeightName, TestLstmState, TestWindow | undefined> {
  return {
    inputSize,
    outputSize: hiddenSize,
    weightSpecs: {
      kernel: { shape: [inputSize + hiddenSize, 4 * hiddenSize], init: uniform(0.1) },
      bias: { shape: [4 * hiddenSize], init: zeros() },
    },
    initialState: (batchSize) => ({
      h: tf.zeros([batchSize, hiddenSize]),
      c: tf.zeros([batchSize, hiddenSize]),
    }),
    startWindow,
    step(weights, x, state, window): CellStepResult<TestLstmState> {
      return tf.tidy(() => {
        const pre = preActivations(weights, x, state.h, window);
        const [i, f, g, o] = tf.split(pre, 4, 1) as tf.Tensor2D[] as [
          tf.Tensor2D,
          tf.Tensor2D,
          tf.Tensor2D,
          tf.Tensor2D,
        ];
        const c = tf.add(tf.mul(tf.sigmoid(f), state.c), tf.mul(tf.sigmoid(i), tf.tanh(g)));
        const h = tf.mul(tf.sigmoid(o), tf.tanh(c)) as tf.Tensor2D;
        return { output: h.clone(), state: { h, c: c as tf.Tensor2D } };
      });
    },
  };
}

/** A vanilla RNN, state `{h}` only: h_t = tanh([x; h] · kernel + bias). */
export function testRnnCell(
  inputSize: number,
  hiddenSize: number,
): Cell<TestWeightName, TestRnnState, TestWindow | undefined> {
  return {
    inputSize,
    outputSize: hiddenSize,
    weightSpecs: {
      kernel: { shape: [inputSize + hiddenSize, hiddenSize], init: uniform(0.3) },
      bias: { shape: [hiddenSize], init: zeros() },
    },
    initialState: (batchSize) => ({ h: tf.zeros([batchSize, hiddenSize]) }),
    startWindow,
    step(weights, x, state, window): CellStepResult<TestRnnState> {
      return tf.tidy(() => {
        const h = tf.tanh(preActivations(weights, x, state.h, window)) as tf.Tensor2D;
        return { output: h.clone(), state: { h } };
      });
    },
  };
}
