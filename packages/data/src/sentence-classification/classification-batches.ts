import type { RngKey } from '@bayesrnn/spec';
import { lengthSortedEpochs, lengthSortedOrder } from '../length-sorted-batches.js';
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

/** Checks the sentences (at least one; ids an Int32Array; labels non-negative integers). */
function checkSentences(who: string, sentences: readonly EncodedSentence[]): void {
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
  checkSentences(who, sentences);
  const exampleIndices = lengthSortedEpochs(
    who,
    Int32Array.from(sentences, lengthOf),
    batchSize,
    key,
  );
  return {
    batchesPerEpoch: Math.ceil(sentences.length / batchSize),
    examples: sentences.length,
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
  checkSentences(who, sentences);
  const exampleIndices = lengthSortedOrder(who, Int32Array.from(sentences, lengthOf), batchSize);
  return {
    batches: Math.ceil(sentences.length / batchSize),
    examples: sentences.length,
    batch: (index) => assembleBatch(sentences, exampleIndices(index)),
    exampleIndices,
  };
}
