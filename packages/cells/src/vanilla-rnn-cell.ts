import { uniform } from '@bayesrnn/core';
import type { Cell, Initializer } from '@bayesrnn/spec';
import * as tf from '@tensorflow/tfjs-core';
import { gatePreActivations } from './gate-pre-activations.js';
import {
  checkDropoutConfig,
  checkWindow,
  type RecurrentDropoutShape,
  type RecurrentDropoutWindow,
  startRecurrentDropoutWindow,
  type VariationalDropoutConfig,
} from './recurrent-dropout.js';
import { checkPositiveInteger, checkShape } from './validate.js';

/** The vanilla RNN's weights: `kernel` `[inputSize + hiddenSize, hiddenSize]`, `bias` `[hiddenSize]`. */
export type VanillaRnnWeightName = 'kernel' | 'bias';

/** Vanilla RNN state: `h` `[batchSize, hiddenSize]`. */
export type VanillaRnnState = {
  readonly h: tf.Tensor2D;
};

/** Options of `createVanillaRnnCell`. */
export interface VanillaRnnConfig {
  /** Columns of each step's input `x_t`. */
  readonly inputSize: number;
  /** Units: columns of `h`. */
  readonly hiddenSize: number;
  /** Initialiser of `kernel` (and `bias` unless `biasInit` is given). Default `uniform(0.1)`. */
  readonly init?: Initializer;
  /** Initialiser of `bias`. Default: `init`. */
  readonly biasInit?: Initializer;
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

const CELL_NAME = 'vanilla RNN cell';

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
  const inputSize = checkPositiveInteger(config.inputSize, 'VanillaRnnConfig.inputSize');
  const hiddenSize = checkPositiveInteger(config.hiddenSize, 'VanillaRnnConfig.hiddenSize');
  const dropout = checkDropoutConfig(config.dropout, 'VanillaRnnConfig.dropout');
  const init = config.init ?? DEFAULT_VANILLA_RNN_CONFIG.init;
  const shape: RecurrentDropoutShape = { inputSize, hiddenSize, gates: 1 };
  const kernelShape = [inputSize + hiddenSize, hiddenSize];

  return {
    inputSize,
    outputSize: hiddenSize,
    weightSpecs: {
      kernel: { shape: kernelShape, init },
      bias: { shape: [hiddenSize], init: config.biasInit ?? init },
    },
    initialState(batchSize) {
      checkPositiveInteger(batchSize, `${CELL_NAME}.initialState: batchSize`);
      return { h: tf.zeros([batchSize, hiddenSize]) };
    },
    startWindow(options) {
      return startRecurrentDropoutWindow(dropout, shape, options, CELL_NAME);
    },
    step(weights, input, state, window: RecurrentDropoutWindow | undefined) {
      const batchSize = input.shape[0] ?? 0;
      checkShape(CELL_NAME, 'input', input, [batchSize, inputSize]);
      checkShape(CELL_NAME, 'state.h', state.h, [batchSize, hiddenSize]);
      checkShape(CELL_NAME, 'weights.kernel', weights.kernel, kernelShape);
      checkShape(CELL_NAME, 'weights.bias', weights.bias, [hiddenSize]);
      const masks = checkWindow(CELL_NAME, window, batchSize, shape);
      return tf.tidy(() => {
        // h_t = tanh([x̃; h̃] · kernel + bias): one matmul.
        const [pre] = gatePreActivations(
          input,
          state.h,
          weights.kernel,
          weights.bias,
          1,
          masks.inputMask,
          masks.recurrentMask,
        ) as [tf.Tensor2D];
        const h = tf.tanh(pre);
        // A separate handle on h's data: disposing the state never disposes the output.
        return { output: h.clone(), state: { h } };
      });
    },
  };
}
