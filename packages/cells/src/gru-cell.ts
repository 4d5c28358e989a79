import { uniform } from '@bayesrnn/core';
import type { Cell, Weights } from '@bayesrnn/spec';
import * as tf from '@tensorflow/tfjs-core';
import { gatePreActivations } from './gate-pre-activations.js';
import { gruWindow } from './gru-window.js';
import { createRecurrentCell } from './recurrent-cell.js';
import { checkRecurrentCellConfig, type RecurrentCellConfig } from './recurrent-cell-config.js';
import type { RecurrentDropoutWindow, VariationalDropoutConfig } from './recurrent-dropout.js';

/**
 * The GRU's weights:
 * - `gateKernel` `[inputSize + hiddenSize, 2 · hiddenSize]` over `[x; h]`, blocks r, z;
 * - `gateBias` `[2 · hiddenSize]` (PyTorch's `b_i{r,z} + b_h{r,z}`);
 * - `candidateInputKernel` `[inputSize, hiddenSize]` (`W_inᵀ`), `candidateInputBias` `[hiddenSize]`;
 * - `candidateRecurrentKernel` `[hiddenSize, hiddenSize]` (`W_hnᵀ`), `candidateRecurrentBias`
 *   `[hiddenSize]` (`b_hn`, inside the reset product, so it cannot merge with `b_in`).
 */
export type GruWeightName =
  | 'gateKernel'
  | 'gateBias'
  | 'candidateInputKernel'
  | 'candidateRecurrentKernel'
  | 'candidateInputBias'
  | 'candidateRecurrentBias';

/** GRU state: `h` `[batchSize, hiddenSize]`. */
export type GruState = {
  readonly h: tf.Tensor2D;
};

/** Options of `createGruCell` (sizes, initialisers; see `RecurrentCellConfig`). */
export interface GruConfig extends RecurrentCellConfig {
  /** Variational dropout on `x_t` and `h_{t−1}`; untied means one mask per r, z, n. */
  readonly dropout?: VariationalDropoutConfig;
}

/** Defaults of the optional `GruConfig` fields. */
export const DEFAULT_GRU_CONFIG = Object.freeze({
  /** As the LSTM: Zaremba's small-model U[−0.1, 0.1] for every weight. */
  init: uniform(0.1),
});

/** A GRU cell (the `Cell` contract with GRU weights, state and dropout window). */
export type GruCell = Cell<GruWeightName, GruState, RecurrentDropoutWindow>;

/** Masks per input when untied: r, z, n. */
const GATES = 3;
/** Gates computed by the fused `gateKernel`: r, z. */
const FUSED_GATES = 2;

/**
 * Creates a GRU cell with PyTorch's equations (Cho et al. 2014) and variational dropout on its
 * inputs (Gal & Ghahramani 2016, §3.1, applied per gate as for the LSTM). With masked
 * `x̃ = x_t ⊙ z_x`, `h̃ = h_{t−1} ⊙ z_h` (a different pair per gate when untied):
 *
 * ```
 * (r, z) = σ([x̃; h̃] · gateKernel + gateBias)
 * n      = tanh(x̃ · candidateInputKernel + candidateInputBias
 *               + r ⊙ (h̃ · candidateRecurrentKernel + candidateRecurrentBias))
 * h_t    = (1 − z) ⊙ n + z ⊙ h_{t−1}              the carried h_{t−1} is not masked
 * ```
 *
 * @throws RangeError naming the option, e.g. `GruConfig.inputSize must be a positive integer, got 1.5`.
 */
export function createGruCell(config: GruConfig): GruCell {
  const { inputSize, hiddenSize, dropout, init, biasInit } = checkRecurrentCellConfig(
    config,
    'GruConfig',
    DEFAULT_GRU_CONFIG.init,
  );
  return createRecurrentCell({
    cellName: 'GRU cell',
    inputSize,
    hiddenSize,
    gates: GATES,
    dropout,
    weightSpecs: {
      gateKernel: { shape: [inputSize + hiddenSize, FUSED_GATES * hiddenSize], init },
      gateBias: { shape: [FUSED_GATES * hiddenSize], init: biasInit },
      candidateInputKernel: { shape: [inputSize, hiddenSize], init },
      candidateRecurrentKernel: { shape: [hiddenSize, hiddenSize], init },
      candidateInputBias: { shape: [hiddenSize], init: biasInit },
      candidateRecurrentBias: { shape: [hiddenSize], init: biasInit },
    },
    stateNames: ['h'],
    step: gruStep,
    runWindow: gruWindow,
  });
}

/** One GRU step, the equations of `createGruCell` in order. Call inside `tf.tidy`. */
function gruStep(
  weights: Weights<GruWeightName>,
  x: tf.Tensor2D,
  { h }: GruState,
  window: RecurrentDropoutWindow,
): GruState {
  const inputMasks = splitGruMask(window.inputMask);
  const recurrentMasks = splitGruMask(window.recurrentMask);
  // (r, z) = σ([x̃; h̃] · gateKernel + gateBias): one matmul (tied) or one batched (untied).
  const [resetPre, updatePre] = gatePreActivations(
    x,
    h,
    weights.gateKernel,
    weights.gateBias,
    FUSED_GATES,
    inputMasks.gates,
    recurrentMasks.gates,
  ) as [tf.Tensor2D, tf.Tensor2D];
  // n = tanh(W_in x̃ + b_in + r ⊙ (W_hn h̃ + b_hn)), with the candidate's own masks.
  const inputPart = tf.add(
    tf.matMul(masked(x, inputMasks.candidate), weights.candidateInputKernel as tf.Tensor2D),
    weights.candidateInputBias,
  );
  const recurrentPart = tf.add(
    tf.matMul(masked(h, recurrentMasks.candidate), weights.candidateRecurrentKernel as tf.Tensor2D),
    weights.candidateRecurrentBias,
  );
  const candidate = tf.tanh(tf.add(inputPart, tf.mul(tf.sigmoid(resetPre), recurrentPart)));
  // h_t = (1 − z) ⊙ n + z ⊙ h_{t−1}, written n + z ⊙ (h_{t−1} − n): one op fewer.
  const next = tf.add(candidate, tf.mul(tf.sigmoid(updatePre), tf.sub(h, candidate)));
  return { h: next as tf.Tensor2D };
}

/** Masks for the fused r, z gates and for the candidate n (a tied mask serves all three). */
function splitGruMask(mask: tf.Tensor | undefined): {
  gates: tf.Tensor | undefined;
  candidate: tf.Tensor | undefined;
} {
  if (mask === undefined || mask.rank !== 3) return { gates: mask, candidate: mask };
  // [3, batchSize, size] → [2, batchSize, size] for r, z and [batchSize, size] for n.
  const [gates, candidate] = tf.split(mask, [FUSED_GATES, 1], 0) as [tf.Tensor, tf.Tensor];
  return { gates, candidate: tf.squeeze(candidate, [0]) };
}

/** `v ⊙ mask`, or `v` itself without a mask. */
function masked(v: tf.Tensor2D, mask: tf.Tensor | undefined): tf.Tensor2D {
  return mask === undefined ? v : (tf.mul(v, mask) as tf.Tensor2D);
}
