import type { Tensor } from '@tensorflow/tfjs-core';

/**
 * Checks that a config option is a positive integer (a size such as `hiddenSize`).
 *
 * @param option - the option's full name for the message, e.g. `'LstmConfig.hiddenSize'`.
 * @throws RangeError `LstmConfig.hiddenSize must be a positive integer, got 0`.
 */
export function checkPositiveInteger(value: number, option: string): number {
  if (!Number.isInteger(value) || value <= 0) {
    throw new RangeError(`${option} must be a positive integer, got ${String(value)}`);
  }
  return value;
}

/**
 * Checks that a dropout rate `p` (the probability of dropping a unit) is in `[0, 1)`.
 * `p = 1` is refused because inverted scaling divides by `1 − p`.
 *
 * @throws RangeError naming `option`.
 */
export function checkRate(value: number, option: string): number {
  if (!(typeof value === 'number' && value >= 0 && value < 1)) {
    throw new RangeError(`${option} must be a dropout rate in [0, 1), got ${String(value)}`);
  }
  return value;
}

/** Checks that a config option is a finite number (e.g. `LstmConfig.forgetBias`). */
export function checkFinite(value: number, option: string): number {
  if (!Number.isFinite(value)) {
    throw new RangeError(`${option} must be a finite number, got ${String(value)}`);
  }
  return value;
}

/** `[3, 5]` for messages. */
export function formatShape(shape: readonly number[]): string {
  return `[${shape.join(', ')}]`;
}

/**
 * Step-time check of one tensor's shape against what the cell expects. Only reads shapes, so
 * it costs nothing next to the step's matmuls, and a wrong input fails with the cell's name
 * instead of deep inside a tfjs kernel.
 *
 * @param cellName - e.g. `'LSTM cell'`.
 * @param what - e.g. `'input'`, `'state.h'`, `'window.inputMask'`.
 * @param expected - the expected shape.
 */
export function checkShape(
  cellName: string,
  what: string,
  tensor: Tensor,
  expected: readonly number[],
): void {
  const { shape } = tensor;
  if (shape.length !== expected.length || shape.some((size, i) => size !== expected[i])) {
    throw new Error(
      `${cellName}: ${what} must have shape ${formatShape(expected)}, got ${formatShape(shape)}`,
    );
  }
}
