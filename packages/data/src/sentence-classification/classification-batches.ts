import { assertKey, foldIn, randomPermutation, splitKey } from '@bayesrnn/core';
import type { RngKey } from '@bayesrnn/spec';
import type { EncodedSentence } from './encode-sentences.js';

/** One padded batch of labelled sentences; ids right-padded with 0 (`<pad>`). */
export interface ClassificationBatch {
  /** Sentences in this batch: `batchSize`, fewer in the one batch that takes the remainder. */
  readonly rows: number;
  /** `T`, the longest sentence in the batch (≥ 1). */
  readonly steps: number;
  /** `[rows, steps]` row-major token ids, 0 after each sentence's length. */
  readonly tokens: Int32Array;
  /** `[rows]` sentence lengths, each in `[1, steps]`. */
  readonly lengths: Int32Array;
  /** `[rows]` class ids. */
  readonly labels: Int32Array;
}

/** Training batches: a fresh deterministic order every epoch. */
export interface ClassificationBatchSource {
  /** `ceil(examples / batchSize)`. */
  readonly batchesPerEpoch: number;
  /** Sentences per epoch: the `N` of the SG-MCMC potential. */
  readonly examples: number;
  /**
   * Batch `index` of epoch `epoch`, fresh arrays: a pure function of the two.
   * @throws {RangeError} for an epoch outside `[0, 2^32)` or an index outside
   *   `[0, batchesPerEpoch)`.
   */
  batch(epoch: number, index: number): ClassificationBatch;
  /** The sentences (indices into the input) of batch `index` of epoch `epoch`, row by row. */
  exampleIndices(epoch: number, index: number): Int32Array;
}

/** Evaluation batches: every example once, in a fixed order ({@link createClassificationEvaluation}). */
export interface ClassificationEvaluationSource {
  /** `ceil(examples / batchSize)`. */
  readonly batches: number;
  readonly examples: number;
  /**
   * Batch `index`, fresh arrays.
   * @throws {RangeError} for an index outside `[0, batches)`.
   */
  batch(index: number): ClassificationBatch;
  /** The sentences (indices into the input) of batch `index`, row by row. */
  exampleIndices(index: number): Int32Array;
}

/** Options of {@link createClassificationBatches}. */
export interface ClassificationBatchOptions {
  /** Sentences per batch (50 in Kim 2014). */
  readonly batchSize: number;
  /** Decides every epoch's order, through `foldIn(key, epoch)`. */
  readonly key: RngKey;
}

/** Options of {@link createClassificationEvaluation}. */
export interface ClassificationEvaluationOptions {
  /** Sentences per batch; larger is faster. */
  readonly batchSize: number;
}

/**
 * Batches per length-sorting pool: sorting 50 batches' worth of shuffled examples by length
 * cuts padding, yet which examples meet in a batch still changes every epoch.
 */
export const SORT_POOL_BATCHES = 50;

/** A sentence's length in a batch: an empty one counts 1, a step of padding. */
const lengthOf = (sentence: EncodedSentence): number => Math.max(1, sentence.ids.length);

/** Pads the chosen sentences into one batch, `steps` = the longest of them. */
function assembleBatch(
  sentences: readonly EncodedSentence[],
  indices: Int32Array,
): ClassificationBatch {
  const rows = indices.length;
  const lengths = new Int32Array(rows);
  const labels = new Int32Array(rows);
  for (let row = 0; row < rows; row += 1) {
    const sentence = sentences[indices[row] ?? 0] as EncodedSentence;
    lengths[row] = lengthOf(sentence);
    labels[row] = sentence.label;
  }
  const steps = Math.max(1, ...lengths);
  const tokens = new Int32Array(rows * steps); // zero-filled: the padding
  for (let row = 0; row < rows; row += 1) {
    tokens.set((sentences[indices[row] ?? 0] as EncodedSentence).ids, row * steps);
  }
  return { rows, steps, tokens, lengths, labels };
}

/** Checks the batch size and the sentences (at least one; labels non-negative integers). */
function checkInput(who: string, sentences: readonly EncodedSentence[], batchSize: number): void {
  if (!(Number.isSafeInteger(batchSize) && batchSize >= 1)) {
    throw new RangeError(`${who}: batchSize must be an integer ≥ 1, got ${batchSize}`);
  }
  if (sentences.length === 0) throw new RangeError(`${who}: sentences is empty`);
  for (const [index, { ids, label }] of sentences.entries()) {
    if (!(ids instanceof Int32Array)) {
      throw new TypeError(`${who}: sentences[${index}].ids must be an Int32Array`);
    }
    if (!(Number.isInteger(label) && label >= 0 && label < 2 ** 31)) {
      throw new RangeError(
        `${who}: sentences[${index}].label must be a non-negative integer, got ${label}`,
      );
    }
  }
}

function checkIndex(who: string, name: string, value: number, count: number): void {
  if (!(Number.isInteger(value) && value >= 0 && value < count)) {
    throw new RangeError(`${who}: ${name} must be an integer in [0, ${count}), got ${value}`);
  }
}

/** Sorts `part` in place by sentence length; equal lengths keep their order (a stable sort). */
function sortByLength(sentences: readonly EncodedSentence[], part: Int32Array): void {
  const length = (index: number): number => lengthOf(sentences[index] as EncodedSentence);
  part.set(Array.from(part).sort((a, b) => length(a) - length(b)));
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
 * Training minibatches of sentences, reshuffled every epoch from `foldIn(key, epoch)`:
 *
 * 1. the examples are shuffled ({@link randomPermutation});
 * 2. each pool of `SORT_POOL_BATCHES × batchSize` (50 batches' worth) consecutive shuffled
 *    examples is sorted by length (ties keep the shuffled order), so a batch holds sentences
 *    of similar length and little padding, as bucketing does;
 * 3. the sorted examples are cut into batches of `batchSize` (pools are whole batches, so no
 *    batch straddles two pools; the last batch of the epoch may be smaller);
 * 4. the batch order is shuffled, so lengths do not rise through the epoch.
 *
 * Every example is in exactly one batch per epoch; `batchesPerEpoch = ceil(N / batchSize)`.
 * `batch(epoch, index)` is a pure function of its arguments; the current epoch's plan is
 * cached, so serving an epoch in order costs one shuffle. The sentences are read lazily: do
 * not change them afterwards. Each batch is padded to its longest sentence with 0 (`<pad>`);
 * an empty sentence counts as length 1 of padding ({@link encodeSentences} never makes one).
 *
 * @example
 * const source = createClassificationBatches(encoded, { batchSize: 50, key });
 * for (let i = 0; i < source.batchesPerEpoch; i += 1) train(source.batch(epoch, i));
 * @throws {RangeError} for a bad `batchSize`, no sentences, or a label that is not a
 *   non-negative integer (naming the sentence); TypeError for ids that are not an Int32Array
 *   or a key that is not one.
 */
export function createClassificationBatches(
  sentences: readonly EncodedSentence[],
  options: ClassificationBatchOptions,
): ClassificationBatchSource {
  const who = 'createClassificationBatches';
  const { batchSize, key } = options;
  checkInput(who, sentences, batchSize);
  assertKey(key, `${who}: key`);
  const examples = sentences.length;
  const batchesPerEpoch = Math.ceil(examples / batchSize);
  let cached: EpochPlan | undefined;
  const planFor = (epoch: number): EpochPlan => {
    checkIndex(who, 'epoch', epoch, 2 ** 32);
    if (cached?.epoch === epoch) return cached;
    const [exampleKey, batchKey] = splitKey(foldIn(key, epoch), 2) as [RngKey, RngKey];
    const order = randomPermutation(exampleKey, examples);
    const pool = SORT_POOL_BATCHES * batchSize;
    for (let start = 0; start < examples; start += pool) {
      sortByLength(sentences, order.subarray(start, Math.min(examples, start + pool)));
    }
    cached = { epoch, examples: order, batchOrder: randomPermutation(batchKey, batchesPerEpoch) };
    return cached;
  };
  const exampleIndices = (epoch: number, index: number): Int32Array => {
    const plan = planFor(epoch);
    checkIndex(who, 'index', index, batchesPerEpoch);
    const start = (plan.batchOrder[index] ?? 0) * batchSize;
    return plan.examples.slice(start, Math.min(examples, start + batchSize));
  };
  return {
    batchesPerEpoch,
    examples,
    batch: (epoch, index) => assembleBatch(sentences, exampleIndices(epoch, index)),
    exampleIndices,
  };
}

/**
 * Evaluation minibatches: every sentence exactly once, in order of length (shortest first,
 * equal lengths by index in `sentences`), cut into consecutive batches of `batchSize`, the
 * last possibly smaller. Sorting keeps padding low; the order is fixed, so two evaluations
 * (two posterior samples, say) see the same batches and their predictions can be averaged
 * row by row. `exampleIndices(index)` maps rows back to sentences.
 *
 * @example
 * const test = createClassificationEvaluation(encodedTest, { batchSize: 100 });
 * for (let i = 0; i < test.batches; i += 1) evaluate(test.batch(i));
 * @throws {RangeError} for a bad `batchSize`, no sentences, or a bad label.
 */
export function createClassificationEvaluation(
  sentences: readonly EncodedSentence[],
  options: ClassificationEvaluationOptions,
): ClassificationEvaluationSource {
  const who = 'createClassificationEvaluation';
  const { batchSize } = options;
  checkInput(who, sentences, batchSize);
  const examples = sentences.length;
  const batches = Math.ceil(examples / batchSize);
  const order = Int32Array.from({ length: examples }, (_, index) => index);
  sortByLength(sentences, order);
  const exampleIndices = (index: number): Int32Array => {
    checkIndex(who, 'index', index, batches);
    return order.slice(index * batchSize, Math.min(examples, (index + 1) * batchSize));
  };
  return {
    batches,
    examples,
    batch: (index) => assembleBatch(sentences, exampleIndices(index)),
    exampleIndices,
  };
}
