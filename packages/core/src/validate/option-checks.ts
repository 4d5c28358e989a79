/**
 * Checks of config options that every package makes the same way, so a bad option fails at
 * construction with the option's full name (`'NtmMemoryConfig.memorySize'`) rather than deep
 * inside a kernel.
 */

/**
 * Checks that an option is a positive integer (a size such as `hiddenSize`).
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
 * Checks that an option is a finite number (e.g. `LstmConfig.forgetBias`).
 *
 * @throws RangeError `LstmConfig.forgetBias must be a finite number, got NaN`.
 */
export function checkFinite(value: number, option: string): number {
  if (typeof value !== 'number' || !Number.isFinite(value)) {
    throw new RangeError(`${option} must be a finite number, got ${String(value)}`);
  }
  return value;
}

/**
 * Checks that an option lies in the closed interval `[low, high]` (a decay, a probability).
 *
 * @throws RangeError `LruMemoryConfig.usageDecay must be in [0, 1], got 1.5`.
 */
export function checkInRange(value: number, low: number, high: number, option: string): number {
  if (!(typeof value === 'number' && value >= low && value <= high)) {
    throw new RangeError(`${option} must be in [${low}, ${high}], got ${String(value)}`);
  }
  return value;
}
