import { assertKey, randomPermutation } from '@bayesrnn/core';
import type { RngKey } from '@bayesrnn/spec';

/** Options of {@link crossValidationSplit}. */
export interface CrossValidationOptions {
  /** Number of folds, an integer in `[2, count]` (10 in Kim 2014 and Gan et al. 2017). */
  readonly folds: number;
  /** The fold held out as the test set, `0 … folds − 1`. */
  readonly fold: number;
  /** Decides the shuffle; every fold of one cross-validation must use the same key. */
  readonly key: RngKey;
}

/** One fold of a cross-validation: example indices, each array sorted ascending. */
export interface CrossValidationSplit {
  /** The examples of the other `folds − 1` parts. */
  readonly train: Int32Array;
  /** The examples of part `fold`. */
  readonly test: Int32Array;
}

/** Options of {@link holdOutSplit}. */
export interface HoldOutOptions {
  /** The share of the indices to hold out, in `(0, 1)` (0.1 in Gan et al. 2017). */
  readonly fraction: number;
  /** Decides which indices are held out. */
  readonly key: RngKey;
}

/** Indices split into those kept for training and those held out, each sorted ascending. */
export interface HoldOutSplit {
  readonly train: Int32Array;
  readonly heldOut: Int32Array;
}

function isIntegerIn(value: number, low: number, high: number): boolean {
  return Number.isInteger(value) && value >= low && value <= high;
}

/** The sorted copy of some indices (`Int32Array.prototype.sort` is numeric). */
function sorted(indices: Int32Array): Int32Array {
  return Int32Array.from(indices).sort();
}

/**
 * Fold `fold` of a `folds`-fold cross-validation over examples `0 … count − 1`: one shuffle
 * of the examples ({@link randomPermutation} of the key) cut into `folds` consecutive parts
 * of near-equal size, part `k` being positions `[⌊k·count/folds⌋, ⌊(k+1)·count/folds⌋)`
 * of the shuffle, so sizes differ by at most one. `test` is part `fold`, `train` the rest.
 * The same key gives the same shuffle for every fold, so the ten test sets of a 10-fold run
 * partition the data (Kim 2014; Gan et al. 2017, Table 5: MR, CR, SUBJ and MPQA have no
 * official split).
 *
 * @example
 * for (let fold = 0; fold < 10; fold += 1) {
 *   const { train, test } = crossValidationSplit(10_662, { folds: 10, fold, key }); // MR
 * }
 * @throws {RangeError} naming the option: `count` not a non-negative integer, `folds` not an
 *   integer ≥ 2 or above `count`, `fold` not in `[0, folds)`; TypeError for a bad key.
 */
export function crossValidationSplit(
  count: number,
  options: CrossValidationOptions,
): CrossValidationSplit {
  const who = 'crossValidationSplit';
  const { folds, fold, key } = options;
  if (!isIntegerIn(count, 0, 2 ** 31)) {
    throw new RangeError(`${who}: count must be a non-negative integer, got ${String(count)}`);
  }
  if (!isIntegerIn(folds, 2, Number.POSITIVE_INFINITY)) {
    throw new RangeError(`${who}: folds must be an integer ≥ 2, got ${String(folds)}`);
  }
  if (folds > count) {
    throw new RangeError(`${who}: folds = ${folds} is more than count = ${count} examples`);
  }
  if (!isIntegerIn(fold, 0, folds - 1)) {
    throw new RangeError(`${who}: fold must be an integer in [0, ${folds}), got ${String(fold)}`);
  }
  assertKey(key, `${who}: key`);
  const permutation = randomPermutation(key, count);
  const start = Math.floor((fold * count) / folds);
  const end = Math.floor(((fold + 1) * count) / folds);
  const train = new Int32Array(count - (end - start));
  train.set(permutation.subarray(0, start));
  train.set(permutation.subarray(end), start);
  return { train: sorted(train), test: sorted(permutation.subarray(start, end)) };
}

/**
 * Holds out `round(fraction · n)` of `indices` (at least one, and at least one kept) chosen
 * by a shuffle of the key, for validation when a set has no development split: Gan et al.
 * (2017) hold out 10 % of the training examples. Both results hold values of `indices`
 * (not positions in it), sorted ascending; `indices` itself is not changed.
 *
 * @example const { train, heldOut } = holdOutSplit(fold.train, { fraction: 0.1, key });
 * @throws {RangeError} naming the option: `fraction` not in `(0, 1)`, or fewer than 2
 *   `indices` (nothing to hold out and train on both); TypeError for a key that is not one.
 */
export function holdOutSplit(indices: Int32Array, options: HoldOutOptions): HoldOutSplit {
  const who = 'holdOutSplit';
  const { fraction, key } = options;
  if (!(typeof fraction === 'number' && fraction > 0 && fraction < 1)) {
    throw new RangeError(`${who}: fraction must be a number in (0, 1), got ${String(fraction)}`);
  }
  if (indices.length < 2) {
    throw new RangeError(
      `${who}: indices must hold at least 2 entries (one held out, one kept), got ${indices.length}`,
    );
  }
  assertKey(key, `${who}: key`);
  const size = Math.min(indices.length - 1, Math.max(1, Math.round(fraction * indices.length)));
  const chosen = randomPermutation(key, indices.length).map((position) => indices[position] ?? 0);
  return { train: sorted(chosen.subarray(size)), heldOut: sorted(chosen.subarray(0, size)) };
}
