import type { Initializer } from '@bayesrnn/spec';
import { checkDropoutConfig, type VariationalDropoutConfig } from './recurrent-dropout.js';
import { checkPositiveInteger } from './validate.js';

/**
 * The options every recurrent cell of this package takes (`LstmConfig`, `GruConfig`,
 * `VanillaRnnConfig` each document them for their own cell and may add more).
 */
export interface RecurrentCellConfig {
  /** Columns of each step's input `x_t`. */
  readonly inputSize: number;
  /** Units: columns of `h`. */
  readonly hiddenSize: number;
  /**
   * Initialiser of the kernels (and of the biases unless `biasInit` is given). Default: the
   * cell's `DEFAULT_X_CONFIG.init`, `uniform(0.1)` for every cell here.
   */
  readonly init?: Initializer;
  /** Initialiser of the biases. Default: `init`. */
  readonly biasInit?: Initializer;
  /** Variational dropout on `x_t` and `h_{t−1}` (Gal & Ghahramani 2016). Default: none. */
  readonly dropout?: VariationalDropoutConfig;
}

/** A `RecurrentCellConfig` after `checkRecurrentCellConfig`: sizes checked, defaults filled. */
export interface CheckedRecurrentCellConfig {
  readonly inputSize: number;
  readonly hiddenSize: number;
  /** `config.init`, or the cell's default. */
  readonly init: Initializer;
  /** `config.biasInit`, or `init`. */
  readonly biasInit: Initializer;
  /** The checked `dropout` option, `NO_DROPOUT` when absent. */
  readonly dropout: VariationalDropoutConfig;
}

/**
 * Checks the common options of a cell's config, in the order `inputSize`, `hiddenSize`,
 * `dropout`, naming each by `configName` (`GruConfig.inputSize must be a positive integer,
 * got 1.5`), and fills the defaults: `init` from `defaultInit`, `biasInit` from `init`.
 *
 * @param configName - the config type's name for messages, e.g. `'LstmConfig'`.
 * @param defaultInit - the cell's `DEFAULT_X_CONFIG.init`.
 * @throws RangeError or TypeError naming the option.
 */
export function checkRecurrentCellConfig(
  config: RecurrentCellConfig,
  configName: string,
  defaultInit: Initializer,
): CheckedRecurrentCellConfig {
  const inputSize = checkPositiveInteger(config.inputSize, `${configName}.inputSize`);
  const hiddenSize = checkPositiveInteger(config.hiddenSize, `${configName}.hiddenSize`);
  const dropout = checkDropoutConfig(config.dropout, `${configName}.dropout`);
  const init = config.init ?? defaultInit;
  return { inputSize, hiddenSize, init, biasInit: config.biasInit ?? init, dropout };
}
