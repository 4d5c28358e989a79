// The shared option and shape checks live in @bayesrnn/core; cells re-exports them under the
// names its modules have always imported, and adds the dropout rate check of its own.
export {
  checkFinite,
  checkPositiveInteger,
  checkShape,
  formatTensorShape as formatShape,
} from '@bayesrnn/core';

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
