/**
 * Option checks shared by the samplers and schedules. Each throws a `RangeError` that names
 * the option and the offending value, e.g. `SgldConfig.datasetSize must be a finite number
 * > 0, got 0`.
 */

/** Checks `value` is a finite number `> 0`. */
export function checkPositive(value: number, option: string): number {
  if (!(typeof value === 'number' && Number.isFinite(value) && value > 0)) {
    throw new RangeError(`${option} must be a finite number > 0, got ${String(value)}`);
  }
  return value;
}

/** Checks `value` is a finite number `≥ 0`. */
export function checkNonNegative(value: number, option: string): number {
  if (!(typeof value === 'number' && Number.isFinite(value) && value >= 0)) {
    throw new RangeError(`${option} must be a finite number ≥ 0, got ${String(value)}`);
  }
  return value;
}

/** Checks `value` is a positive integer (a count such as `totalSteps`). */
export function checkPositiveInteger(value: number, option: string): number {
  if (!(Number.isInteger(value) && value > 0)) {
    throw new RangeError(`${option} must be a positive integer, got ${String(value)}`);
  }
  return value;
}

/**
 * Checks `value` lies in the interval from `low` to `high`; `open` says which ends are
 * excluded (`'low'` gives `(low, high]`, `'high'` gives `[low, high)`, `'both'`, `'none'`).
 */
export function checkInterval(
  value: number,
  option: string,
  low: number,
  high: number,
  open: 'low' | 'high' | 'both' | 'none',
): number {
  const lowOk = open === 'low' || open === 'both' ? value > low : value >= low;
  const highOk = open === 'high' || open === 'both' ? value < high : value <= high;
  if (!(typeof value === 'number' && Number.isFinite(value) && lowOk && highOk)) {
    const left = open === 'low' || open === 'both' ? '(' : '[';
    const right = open === 'high' || open === 'both' ? ')' : ']';
    throw new RangeError(
      `${option} must be in ${left}${low}, ${high}${right}, got ${String(value)}`,
    );
  }
  return value;
}
