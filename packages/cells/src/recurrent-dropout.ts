import { assertKey, foldIn } from '@bayesrnn/core';
import type { WindowOptions } from '@bayesrnn/spec';
import type { Tensor } from '@tensorflow/tfjs-core';
import { dropoutMask } from './dropout-mask.js';
import { checkPositiveInteger, checkRate, checkShape } from './validate.js';

/**
 * Variational dropout inside a recurrent cell (Gal & Ghahramani 2016, §3.1):
 * `x̃_t = x_t ⊙ z_x`, `h̃_{t−1} = h_{t−1} ⊙ z_h`, with `z_x`, `z_h` drawn once per sequence per
 * window and reused at every step. The cell state `c` is never dropped (papers.md §3.5.4).
 */
export interface VariationalDropoutConfig {
  /** Drop rate `p` of the input `x_t` (Gal's `p_i`: 0.5 for the large PTB model), in `[0, 1)`. */
  readonly input: number;
  /** Drop rate `p` of the recurrent input `h_{t−1}` (Gal's `p_h`: 0.3), in `[0, 1)`. */
  readonly recurrent: number;
  /**
   * `true`: one mask shared by all gates (faster). `false`: one mask per gate
   * (`z_x^{i,f,g,o}`, `z_h^{i,f,g,o}`), as Gal's Torch code and the headline 73.4 PTB result.
   */
  readonly tied: boolean;
}

/** No dropout: what a cell without a `dropout` option uses. */
export const NO_DROPOUT: VariationalDropoutConfig = Object.freeze({
  input: 0,
  recurrent: 0,
  tied: true,
});

/**
 * The per-window dropout masks a cell's `step` reads, drawn by `startWindow`. An absent field
 * means no dropout on that input (evaluation, or a rate of 0).
 *
 * Shapes: tied masks are `[batchSize, inputSize]` and `[batchSize, hiddenSize]`; untied masks
 * carry one slice per gate in front: `[gates, batchSize, size]` (LSTM 4 in order i, f, g, o;
 * GRU 3 in order r, z, n). Entries are `0` or `1 / (1 − p)`. The caller owns the tensors:
 * dispose them with `disposeRecurrentDropoutWindow` when the window ends.
 */
export interface RecurrentDropoutWindow {
  /** `z_x`: multiplies `x_t`. */
  readonly inputMask?: Tensor;
  /** `z_h`: multiplies `h_{t−1}` where it enters a matmul (never the carried state itself). */
  readonly recurrentMask?: Tensor;
}

/** The window of an evaluation pass or a cell without dropout: no masks. */
export const EMPTY_WINDOW: RecurrentDropoutWindow = Object.freeze({});

/** Sizes a cell passes to `startRecurrentDropoutWindow`. */
export interface RecurrentDropoutShape {
  readonly inputSize: number;
  readonly hiddenSize: number;
  /** Gates that get their own mask when untied (LSTM 4, GRU 3; 1 means tied shapes always). */
  readonly gates: number;
}

/**
 * Validates a cell's `dropout` option, naming it (`LstmConfig.dropout.input must be ...`).
 * Returns `NO_DROPOUT` when the option is absent.
 */
export function checkDropoutConfig(
  config: VariationalDropoutConfig | undefined,
  option: string,
): VariationalDropoutConfig {
  if (config === undefined) return NO_DROPOUT;
  checkRate(config.input, `${option}.input`);
  checkRate(config.recurrent, `${option}.recurrent`);
  if (typeof config.tied !== 'boolean') {
    throw new TypeError(`${option}.tied must be a boolean, got ${String(config.tied)}`);
  }
  return Object.freeze({ input: config.input, recurrent: config.recurrent, tied: config.tied });
}

/**
 * Draws a window's masks: `z_x` from `foldIn(key, 'input')` and `z_h` from
 * `foldIn(key, 'recurrent')`, so each depends only on the window key. Evaluation windows
 * (`training: false`) and zero rates get no mask. MC-dropout evaluation passes `training: true`.
 *
 * @returns masks of shape `[batchSize, size]` (tied, or a one-gate cell) or
 *   `[gates, batchSize, size]` (untied), owned by the caller.
 */
export function startRecurrentDropoutWindow(
  config: VariationalDropoutConfig,
  shape: RecurrentDropoutShape,
  options: WindowOptions,
  cellName: string,
): RecurrentDropoutWindow {
  const batchSize = checkPositiveInteger(options.batchSize, `${cellName}.startWindow: batchSize`);
  if (!options.training || (config.input === 0 && config.recurrent === 0)) return EMPTY_WINDOW;
  assertKey(options.key, `${cellName}.startWindow`);
  const lead = config.tied || shape.gates === 1 ? [] : [shape.gates];
  const draw = (purpose: string, size: number, rate: number): Tensor | undefined =>
    rate === 0
      ? undefined
      : dropoutMask(foldIn(options.key, purpose), [...lead, batchSize, size], rate);
  const inputMask = draw('input', shape.inputSize, config.input);
  const recurrentMask = draw('recurrent', shape.hiddenSize, config.recurrent);
  return Object.freeze({
    ...(inputMask === undefined ? {} : { inputMask }),
    ...(recurrentMask === undefined ? {} : { recurrentMask }),
  });
}

/** Disposes a window's masks (if any). Safe on an empty window. */
export function disposeRecurrentDropoutWindow(window: RecurrentDropoutWindow): void {
  window.inputMask?.dispose();
  window.recurrentMask?.dispose();
}

/**
 * Step-time check that a window's masks fit this step: batch size and width, and for an
 * untied mask the gate count. Reads shapes only. Returns the window, or the empty window when
 * a caller typed loosely (a generic model) passed `undefined`: that means no dropout.
 */
export function checkWindow(
  cellName: string,
  given: RecurrentDropoutWindow | undefined,
  batchSize: number,
  shape: RecurrentDropoutShape,
): RecurrentDropoutWindow {
  const window = given ?? EMPTY_WINDOW;
  const check = (what: string, mask: Tensor | undefined, size: number): void => {
    if (mask === undefined) return;
    const expected = mask.rank === 3 ? [shape.gates, batchSize, size] : [batchSize, size];
    checkShape(cellName, what, mask, expected);
  };
  check('window.inputMask', window.inputMask, shape.inputSize);
  check('window.recurrentMask', window.recurrentMask, shape.hiddenSize);
  return window;
}
