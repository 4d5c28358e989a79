import { uniform } from '@bayesrnn/core';
import type { Cell, Initializer, Weights } from '@bayesrnn/spec';
import * as tf from '@tensorflow/tfjs-core';
import { gatePreActivations } from './gate-pre-activations.js';
import { lstmGates } from './lstm-gates.js';
import { lstmRecurrence } from './lstm-recurrence.js';
import { lstmUntiedWindow } from './lstm-untied-window.js';
import { lstmUpdate } from './lstm-update.js';
import { createRecurrentCell } from './recurrent-cell.js';
import { checkRecurrentCellConfig, type RecurrentCellConfig } from './recurrent-cell-config.js';
import type { RecurrentDropoutWindow } from './recurrent-dropout.js';
import { tiedRecurrentInput } from './recurrent-input.js';
import { checkFinite } from './validate.js';
import { projectRows, splitInputRows, windowRows } from './window-projection.js';

/** The LSTM's weights: `kernel` `[inputSize + hiddenSize, 4 · hiddenSize]`, `bias` `[4 · hiddenSize]`. */
export type LstmWeightName = 'kernel' | 'bias';

/**
 * LSTM state: output `h` and cell `c`, both `[batchSize, hiddenSize]` (a type alias, not an
 * interface: the `NamedTensorTree` constraint of `Cell` needs its implicit index signature).
 */
export type LstmState = {
  readonly h: tf.Tensor2D;
  readonly c: tf.Tensor2D;
};

/** Options of `createLstmCell` (sizes, initialisers, dropout; see `RecurrentCellConfig`). */
export interface LstmConfig extends RecurrentCellConfig {
  /** Units: columns of `h` and `c`. */
  readonly hiddenSize: number;
  /**
   * Added to the forget-gate block of the *initial* bias (so it is learned afterwards).
   * Default 0, as Zaremba/Gal and the Sonnet BBB example; Gan et al. use 3 (papers.md §0.1).
   */
  readonly forgetBias?: number;
  /** Initialiser of `bias` before `forgetBias` is added. Default: `init` (Zaremba: all weights). */
  readonly biasInit?: Initializer;
}

/** Defaults of the optional `LstmConfig` fields. */
export const DEFAULT_LSTM_CONFIG = Object.freeze({
  /** Zaremba et al. 2014 and Gal's Torch code add none (papers.md §0.1). */
  forgetBias: 0,
  /** Zaremba's small PTB model: every weight from U[−0.1, 0.1]. */
  init: uniform(0.1),
});

/** An LSTM cell (the `Cell` contract with LSTM weights, state and dropout window). */
export type LstmCell = Cell<LstmWeightName, LstmState, RecurrentDropoutWindow>;

/** Gate blocks of the kernel's columns, in PyTorch's order: i, f, g, o. */
const GATES = 4;
const FORGET_GATE = 1;

/**
 * Creates an LSTM cell (papers.md §0.1; Hochreiter & Schmidhuber 1997) with variational dropout
 * on its inputs (Gal & Ghahramani 2016, §3.1). With `[x̃; h̃] = [x_t ⊙ z_x; h_{t−1} ⊙ z_h]`:
 *
 * ```
 * (i, f, g, o) = [x̃; h̃] · kernel + bias            one matmul, gate order i, f, g, o
 * c_t = σ(f) ⊙ c_{t−1} + σ(i) ⊙ tanh(g)              the cell state is never dropped
 * h_t = σ(o) ⊙ tanh(c_t)
 * ```
 *
 * Untied dropout gives each gate its own masks `z_x^{i,f,g,o}`, `z_h^{i,f,g,o}`. The cell owns
 * no weights: `kernel` `[inputSize + hiddenSize, 4 · hiddenSize]` (PyTorch's `[W_ih; W_hh]ᵀ`)
 * and `bias` `[4 · hiddenSize]` (PyTorch's `b_ih + b_hh`) come with every `step`.
 *
 * @throws RangeError naming the option, e.g. `LstmConfig.hiddenSize must be a positive integer, got 0`.
 */
export function createLstmCell(config: LstmConfig): LstmCell {
  const checked = checkRecurrentCellConfig(config, 'LstmConfig', DEFAULT_LSTM_CONFIG.init);
  const { inputSize, hiddenSize, dropout, init } = checked;
  const forgetBias = checkFinite(
    config.forgetBias ?? DEFAULT_LSTM_CONFIG.forgetBias,
    'LstmConfig.forgetBias',
  );
  return createRecurrentCell({
    cellName: 'LSTM cell',
    inputSize,
    hiddenSize,
    gates: GATES,
    dropout,
    weightSpecs: {
      kernel: { shape: [inputSize + hiddenSize, GATES * hiddenSize], init },
      bias: {
        shape: [GATES * hiddenSize],
        init: withForgetBias(checked.biasInit, forgetBias, hiddenSize),
      },
    },
    stateNames: ['h', 'c'],
    step: lstmStep,
    runWindow: lstmWindow,
  });
}

/** One LSTM step, the equations of `createLstmCell` in order. Call inside `tf.tidy`. */
function lstmStep(
  weights: Weights<LstmWeightName>,
  x: tf.Tensor2D,
  state: LstmState,
  window: RecurrentDropoutWindow,
): LstmState {
  // Gate pre-activations from the masked [x; h]: one matmul (tied) or one batched (untied).
  const [i, f, g, o] = gatePreActivations(
    x,
    state.h,
    weights.kernel,
    weights.bias,
    GATES,
    window.inputMask,
    window.recurrentMask,
  ) as [tf.Tensor2D, tf.Tensor2D, tf.Tensor2D, tf.Tensor2D];
  return lstmUpdate(i, f, g, o, state.c);
}

/**
 * A whole window with the input projection off the per-step path. The kernel's rows split into
 * `W_x` (the first `inputSize`) and `W_h`, so `[x̃_t; h̃] · kernel + b = x̃_t W_x + b + h̃ W_h`:
 *
 * ```
 * P = (X ⊙ z_x) · W_x + b      all steps at once: [batchSize · steps, inputSize] × [inputSize, 4H]
 * (i, f, g, o)_t = P_t + (h_{t−1} ⊙ z_h) · W_h        per step: only [batchSize, H] × [H, 4H]
 * ```
 *
 * One large matmul replaces half the work of `steps` small ones, and the per-step concat of
 * `[x; h]` disappears (about 20% of an LSTM layer's step time on wasm). On wasm the recurrence
 * then runs as `lstmRecurrence`, whose backward pass gives `W_h` its gradient in one matmul too.
 * Untied masks (one per gate) take `lstmUntiedWindow`, the same idea with one projection per
 * gate.
 */
function lstmWindow(
  weights: Weights<LstmWeightName>,
  inputs: tf.Tensor3D,
  state: LstmState,
  window: RecurrentDropoutWindow,
): { outputs: tf.Tensor3D; state: LstmState } | undefined {
  const { inputMask, recurrentMask } = window;
  if (inputMask?.rank === 3 || recurrentMask?.rank === 3) {
    return lstmUntiedWindow(weights, inputs, state, window);
  }
  const [batchSize = 0, steps = 0, inputSize = 0] = inputs.shape;
  const [hiddenSize = 0] = state.h.shape.slice(1);
  const [inputKernel, recurrentKernel] = splitInputRows(weights.kernel, inputSize, hiddenSize);
  const rows = windowRows(inputs, inputMask);
  const projected = projectRows(rows, inputKernel, weights.bias, [batchSize, steps]);
  const input = tiedRecurrentInput(recurrentMask);
  const recurrence = lstmRecurrence(projected, recurrentKernel, state, input);
  if (recurrence !== undefined) return recurrence;
  let current = state;
  const outputs: tf.Tensor2D[] = [];
  for (const projection of tf.unstack(projected, 1)) {
    const h = recurrentMask === undefined ? current.h : tf.mul(current.h, recurrentMask);
    const pre = tf.add(tf.matMul(h, recurrentKernel as tf.Tensor2D), projection);
    current = lstmGates(pre, current.c);
    outputs.push(current.h);
  }
  return { outputs: tf.stack(outputs, 1) as tf.Tensor3D, state: current };
}

/** `base`, plus `forgetBias` on the forget-gate block `[H, 2H)` of the bias. */
function withForgetBias(base: Initializer, forgetBias: number, hiddenSize: number): Initializer {
  if (forgetBias === 0) return base;
  return (key, shape) =>
    tf.tidy(() => {
      const offset = new Float32Array(GATES * hiddenSize);
      offset.fill(forgetBias, FORGET_GATE * hiddenSize, (FORGET_GATE + 1) * hiddenSize);
      return tf.add(base(key, shape), tf.tensor1d(offset));
    });
}
