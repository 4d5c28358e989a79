import { assertKey, foldIn, randomPermutation, splitKey } from '@bayesrnn/core';
import type { RngKey } from '@bayesrnn/spec';

/**
 * Batches per length-sorting pool: sorting 50 batches' worth of shuffled examples by length
 * cuts padding, yet which examples meet in a batch still changes every epoch.
 */
export const SORT_POOL_BATCHES = 50;

function checkIndex(who: string, name: string, value: number, count: number): void {
  if (!(Number.isInteger(value) && value >= 0 && value < count)) {
    throw new RangeError(`${who}: ${name} must be an integer in [0, ${count}), got ${value}`);
  }
}

export function checkBatchSize(who: string, batchSize: number): void {
  if (!(Number.isSafeInteger(batchSize) && batchSize >= 1)) {
    throw new RangeError(`${who}: batchSize must be an integer ≥ 1, got ${batchSize}`);
  }
}

/** Sorts `part` in place by `lengths`; equal lengths keep their order (a stable sort). */
function sortByLength(lengths: Int32Array, part: Int32Array): void {
  part.set(Array.from(part).sort((a, b) => (lengths[a] ?? 0) - (lengths[b] ?? 0)));
}

/** One epoch's layout: the examples in length-sorted pools, and the order of the batches. */
interface EpochPlan {
  readonly epoch: number;
  /** Example indices; batch `b` before reordering is `examples[b·batchSize, (b+1)·batchSize)`. */
  readonly examples: Int32Array;
  /** `batchOrder[index]` is the batch served as `index`. */
  readonly batchOrder: Int32Array;
}

/**
 * Which examples make up each training batch: the epoch plan of
 * `createClassificationBatches`, for any examples that have a length (caption batches
 * use it too). `lengths[i]` is example `i`'s length (`[examples]`); the result maps
 * `(epoch, index)` to the batch's example indices, row by row, a pure function of the two.
 *
 * @throws {RangeError} for a bad `batchSize` (and, from the result, a bad epoch or index);
 *   TypeError for a key that is not one. Messages start with `who`.
 */
export function lengthSortedEpochs(
  who: string,
  lengths: Int32Array,
  batchSize: number,
  key: RngKey,
): (epoch: number, index: number) => Int32Array {
  checkBatchSize(who, batchSize);
  assertKey(key, `${who}: key`);
  const examples = lengths.length;
  const batchesPerEpoch = Math.ceil(examples / batchSize);
  let cached: EpochPlan | undefined;
  const planFor = (epoch: number): EpochPlan => {
    checkIndex(who, 'epoch', epoch, 2 ** 32);
    if (cached?.epoch === epoch) return cached;
    const [exampleKey, batchKey] = splitKey(foldIn(key, epoch), 2) as [RngKey, RngKey];
    const order = randomPermutation(exampleKey, examples);
    const pool = SORT_POOL_BATCHES * batchSize;
    for (let start = 0; start < examples; start += pool) {
      sortByLength(lengths, order.subarray(start, Math.min(examples, start + pool)));
    }
    cached = { epoch, examples: order, batchOrder: randomPermutation(batchKey, batchesPerEpoch) };
    return cached;
  };
  return (epoch, index) => {
    const plan = planFor(epoch);
    checkIndex(who, 'index', index, batchesPerEpoch);
    const start = (plan.batchOrder[index] ?? 0) * batchSize;
    return plan.examples.slice(start, Math.min(examples, start + batchSize));
  };
}

/**
 * Which examples make up each evaluation batch: the fixed order of
 * `createClassificationEvaluation` (shortest first, equal lengths by index) cut into
 * consecutive batches of `batchSize`. `lengths` as for {@link lengthSortedEpochs}.
 *
 * @throws {RangeError} for a bad `batchSize` (and, from the result, a bad index).
 */
export function lengthSortedOrder(
  who: string,
  lengths: Int32Array,
  batchSize: number,
): (index: number) => Int32Array {
  checkBatchSize(who, batchSize);
  const examples = lengths.length;
  const batches = Math.ceil(examples / batchSize);
  const order = Int32Array.from({ length: examples }, (_, index) => index);
  sortByLength(lengths, order);
  return (index) => {
    checkIndex(who, 'index', index, batches);
    return order.slice(index * batchSize, Math.min(examples, (index + 1) * batchSize));
  };
}
