// A cell written outside bayesrnn, through the `Cell` contract of @bayesrnn/spec alone: the
// minimal gated unit. It declares its weights and takes them as an argument, so a language
// model, a posterior draw, an MCMC sample or a SAB wrapper run it without knowing what it is.
import { checkPositiveInteger, uniform } from '@bayesrnn/core';
import type { Cell, Initializer, Weights } from '@bayesrnn/spec';
import * as tf from '@tensorflow/tfjs-core';

/**
 * The MGU's weights (the two gates' input blocks fused, so a whole window's input projection
 * is one matmul):
 * - `inputKernel` `[inputSize, 2 · hiddenSize]`: blocks f, candidate;
 * - `forgetKernel` `[hiddenSize, hiddenSize]`, `candidateKernel` `[hiddenSize, hiddenSize]`;
 * - `bias` `[2 · hiddenSize]`: blocks f, candidate.
 */
export type MguWeightName = 'inputKernel' | 'forgetKernel' | 'candidateKernel' | 'bias';

/** MGU state: `h` `[batchSize, hiddenSize]`. */
export type MguState = { readonly h: tf.Tensor2D };

/** A minimal gated unit: the `Cell` contract with MGU weights and state, no per-window context. */
export type MguCell = Cell<MguWeightName, MguState, undefined>;

/** Options of `createMguCell`. */
export interface MguConfig {
  readonly inputSize: number;
  readonly hiddenSize: number;
  /** Initialiser of every weight. Default U[−0.1, 0.1], as bayesrnn's built-in cells. */
  readonly init?: Initializer;
}

/** One step from the input's projection `xw` `[batchSize, 2 · hiddenSize]` (bias included). */
function mguStep(weights: Weights<MguWeightName>, xw: tf.Tensor2D, h: tf.Tensor2D): tf.Tensor2D {
  const [xf, xc] = tf.split(xw, 2, 1) as [tf.Tensor2D, tf.Tensor2D];
  // f_t = σ(W_f x_t + U_f h_{t−1} + b_f)
  const f = tf.sigmoid(tf.add(xf, tf.matMul(h, weights.forgetKernel)));
  // h̃_t = tanh(W_h x_t + U_h (f_t ⊙ h_{t−1}) + b_h)
  const candidate = tf.tanh(tf.add(xc, tf.matMul(tf.mul(f, h), weights.candidateKernel)));
  // h_t = (1 − f_t) ⊙ h_{t−1} + f_t ⊙ h̃_t, written as h + f ⊙ (h̃ − h)
  return tf.add(h, tf.mul(f, tf.sub(candidate, h)));
}

/**
 * The minimal gated unit (Zhou, Wu, Zhang & Zhou 2016, "Minimal gated unit for recurrent
 * neural networks", eq. 9): one gate where the GRU has two.
 *
 * ```
 * f_t = σ(W_f x_t + U_f h_{t−1} + b_f)
 * h̃_t = tanh(W_h x_t + U_h (f_t ⊙ h_{t−1}) + b_h)
 * h_t = (1 − f_t) ⊙ h_{t−1} + f_t ⊙ h̃_t
 * ```
 *
 * `runWindow` takes the input projection `x_t W + b` of every step of a window in one
 * `[batchSize · steps, inputSize] × [inputSize, 2 · hiddenSize]` matmul, so only the
 * recurrent products stay on the per-step path; `step` is the same arithmetic one step at a
 * time.
 *
 * @throws RangeError naming the option: `MguConfig.hiddenSize must be a positive integer, got 0`.
 */
export function createMguCell(config: MguConfig): MguCell {
  const inputSize = checkPositiveInteger(config.inputSize, 'MguConfig.inputSize');
  const hiddenSize = checkPositiveInteger(config.hiddenSize, 'MguConfig.hiddenSize');
  const init = config.init ?? uniform(0.1);
  const project = (weights: Weights<MguWeightName>, x: tf.Tensor2D): tf.Tensor2D =>
    tf.add(tf.matMul(x, weights.inputKernel), weights.bias);
  return {
    inputSize,
    outputSize: hiddenSize,
    weightSpecs: {
      inputKernel: { shape: [inputSize, 2 * hiddenSize], init },
      forgetKernel: { shape: [hiddenSize, hiddenSize], init },
      candidateKernel: { shape: [hiddenSize, hiddenSize], init },
      bias: { shape: [2 * hiddenSize], init },
    },
    initialState: (batchSize) => ({ h: tf.zeros([batchSize, hiddenSize]) }),
    startWindow: () => undefined,
    step(weights, input, state) {
      const h = tf.tidy(() => mguStep(weights, project(weights, input), state.h));
      return { output: h, state: { h } };
    },
    runWindow(weights, inputs, state) {
      return tf.tidy(() => {
        const [batchSize, steps] = inputs.shape;
        const flat = tf.reshape(inputs, [batchSize * steps, inputSize]) as tf.Tensor2D;
        const projected = tf.reshape(project(weights, flat), [batchSize, steps, 2 * hiddenSize]);
        let h = state.h;
        const outputs = (tf.unstack(projected, 1) as tf.Tensor2D[]).map((xw) => {
          h = mguStep(weights, xw, h);
          return h;
        });
        return { outputs: tf.stack(outputs, 1) as tf.Tensor3D, state: { h } };
      });
    },
  };
}
