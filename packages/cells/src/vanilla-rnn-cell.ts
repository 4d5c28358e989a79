import { uniform } from '@bayesrnn/core';
import type { Cell, Weights } from '@bayesrnn/spec';
import * as tf from '@tensorflow/tfjs-core';
import { gatePreActivations } from './gate-pre-activations.js';
import { createRecurrentCell } from './recurrent-cell.js';
import { checkRecurrentCellConfig, type RecurrentCellConfig } from './recurrent-cell-config.js';
import type { RecurrentDropoutWindow, VariationalDropoutConfig } from './recurrent-dropout.js';
import { vanillaRnnWindow } from './vanilla-rnn-window.js';

/** The vanilla RNN's weights: `kernel` `[inputSize + hiddenSize, hiddenSize]`, `bias` `[hiddenSize]`. */
export type VanillaRnnWeightName = 'kernel' | 'bias';

/** Vanilla RNN state: `h` `[batchSize, hiddenSize]`. */
export type VanillaRnnState = {
  readonly h: tf.Tensor2D;
};

/** Options of `createVanillaRnnCell` (sizes, initialisers; see `RecurrentCellConfig`). */
export interface VanillaRnnConfig extends RecurrentCellConfig {
  /** Variational dropout on `x_t` and `h_{t−1}`. One gate, so `tied` makes no difference. */
  readonly dropout?: VariationalDropoutConfig;
}

/** Defaults of the optional `VanillaRnnConfig` fields. */
export const DEFAULT_VANILLA_RNN_CONFIG = Object.freeze({
  /** As the LSTM: Zaremba's small-model U[−0.1, 0.1]. */
  init: uniform(0.1),
});

/** A vanilla (Elman) RNN cell. */
export type VanillaRnnCell = Cell<VanillaRnnWeightName, VanillaRnnState, RecurrentDropoutWindow>;

/**
 * Creates a vanilla (Elman 1990) RNN cell with variational dropout on its inputs
 * (Gal & Ghahramani 2016, §3.1):
 *
 * ```
 * h_t = tanh([x_t ⊙ z_x; h_{t−1} ⊙ z_h] · kernel + bias)
 * ```
 *
 * It has a single gate, so masks are always `[batchSize, size]` whatever `dropout.tied` says.
 *
 * @throws RangeError naming the option, e.g. `VanillaRnnConfig.hiddenSize must be a positive integer, got -1`.
 */
export function createVanillaRnnCell(config: VanillaRnnConfig): VanillaRnnCell {
  const { inputSize, hiddenSize, dropout, init, biasInit } = checkRecurrentCellConfig(
    config,
    'VanillaRnnConfig',
    DEFAULT_VANILLA_RNN_CONFIG.init,
  );
  return createRecurrentCell({
    cellName: 'vanilla RNN cell',
    inputSize,
    hiddenSize,
    gates: 1,
    dropout,
    weightSpecs: {
      kernel: { shape: [inputSize + hiddenSize, hiddenSize], init },
      bias: { shape: [hiddenSize], init: biasInit },
    },
    stateNames: ['h'],
    step: vanillaRnnStep,
    runWindow: vanillaRnnWindow,
  });
}

/** One vanilla RNN step, the equation of `createVanillaRnnCell`. Call inside `tf.tidy`. */
function vanillaRnnStep(
  weights: Weights<VanillaRnnWeightName>,
  x: tf.Tensor2D,
  { h }: VanillaRnnState,
  window: RecurrentDropoutWindow,
): VanillaRnnState {
  // h_t = tanh([x̃; h̃] · kernel + bias): one matmul.
  const [pre] = gatePreActivations(
    x,
    h,
    weights.kernel,
    weights.bias,
    1,
    window.inputMask,
    window.recurrentMask,
  ) as [tf.Tensor2D];
  return { h: tf.tanh(pre) };
}
