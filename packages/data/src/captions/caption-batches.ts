import type { RngKey } from '@bayesrnn/spec';
import { lengthSortedEpochs, lengthSortedOrder } from '../length-sorted-batches.js';
import {
  type CaptionBatch,
  type CaptionExample,
  type CaptionFeatures,
  type CaptionRowOptions,
  captionLayout,
} from './caption-batch.js';

/** Training batches: every caption once per epoch, in a fresh deterministic order. */
export interface CaptionBatchSource {
  /** `ceil(examples / batchSize)`. */
  readonly batchesPerEpoch: number;
  /** Captions per epoch: the `N` of the SG-MCMC potential. */
  readonly examples: number;
  /** Predicted tokens per epoch: `Σ (n + 1)` over the captions (after `maxLength`). */
  readonly tokens: number;
  /**
   * Batch `index` of epoch `epoch`, fresh arrays: a pure function of the two.
   * @throws {RangeError} for an epoch outside `[0, 2^32)` or an index outside
   *   `[0, batchesPerEpoch)`.
   */
  batch(epoch: number, index: number): CaptionBatch;
  /** The captions (indices into the examples) of batch `index` of epoch `epoch`, row by row. */
  exampleIndices(epoch: number, index: number): Int32Array;
}

/** Evaluation batches: every caption once, in a fixed order. */
export interface CaptionEvaluationSource {
  /** `ceil(examples / batchSize)`. */
  readonly batches: number;
  /** Captions in all: every one is in exactly one batch. */
  readonly examples: number;
  /** Predicted tokens: `Σ (n + 1)`, the denominator of a per-word perplexity. */
  readonly tokens: number;
  /**
   * Batch `index`, fresh arrays.
   * @throws {RangeError} for an index outside `[0, batches)`.
   */
  batch(index: number): CaptionBatch;
  /** The captions (indices into the examples) of batch `index`, row by row. */
  exampleIndices(index: number): Int32Array;
}

/** Options of {@link createCaptionEvaluation}. */
export interface CaptionEvaluationOptions extends CaptionRowOptions {
  /** Captions per batch. */
  readonly batchSize: number;
}

/** Options of {@link createCaptionBatches}. */
export interface CaptionBatchOptions extends CaptionEvaluationOptions {
  /** Decides every epoch's order, through `foldIn(key, epoch)`. */
  readonly key: RngKey;
}

/**
 * Teacher-forced training batches of captions ({@link CaptionBatch}), reshuffled every epoch
 * from `foldIn(key, epoch)` exactly as `createClassificationBatches` does: shuffled, sorted by
 * length inside pools of `SORT_POOL_BATCHES` batches so a batch's captions have similar
 * lengths (little padding), then the batch order shuffled. Every caption is in exactly one
 * batch per epoch; `batch(epoch, index)` is a pure function of its arguments. Row `r` of a
 * batch takes its image's row of `features` (`[rows · D]`; `D = 0` for no images). The
 * examples and features are read lazily: do not change them afterwards.
 *
 * @example
 * const source = createCaptionBatches(train, { size: 0, data: new Float32Array(0) }, {
 *   batchSize: 100, key, bosId: vocabulary.id(CAPTION_BOS), eosId: vocabulary.id(EOS_TOKEN),
 * });
 * for (let i = 0; i < source.batchesPerEpoch; i += 1) step(source.batch(epoch, i));
 * @throws {RangeError} for a bad option or feature size (naming it), no examples, or an
 *   image index outside the features (naming the example); TypeError for tokens that are
 *   not an Int32Array, features that are not a Float32Array or a key that is not one.
 */
export function createCaptionBatches(
  examples: readonly CaptionExample[],
  features: CaptionFeatures,
  options: CaptionBatchOptions,
): CaptionBatchSource {
  const who = 'createCaptionBatches';
  const layout = captionLayout(who, examples, features, options);
  const { batchSize, key } = options;
  const exampleIndices = lengthSortedEpochs(who, layout.lengths, batchSize, key);
  return {
    batchesPerEpoch: Math.ceil(examples.length / batchSize),
    examples: examples.length,
    tokens: layout.tokens,
    batch: (epoch, index) => layout.batch(exampleIndices(epoch, index)),
    exampleIndices,
  };
}

/**
 * Evaluation batches of captions: every caption once, shortest first (equal lengths by
 * index), cut into consecutive batches of `batchSize`; the same batches every time, so the
 * predictions of several posterior samples can be averaged row by row.
 *
 * @example
 * const test = createCaptionEvaluation(testExamples, testFeatures, { batchSize: 500, bosId, eosId });
 * // per-word perplexity = exp(Σ NLL over all batches / test.tokens)
 * @throws as {@link createCaptionBatches}, less the key.
 */
export function createCaptionEvaluation(
  examples: readonly CaptionExample[],
  features: CaptionFeatures,
  options: CaptionEvaluationOptions,
): CaptionEvaluationSource {
  const who = 'createCaptionEvaluation';
  const layout = captionLayout(who, examples, features, options);
  const exampleIndices = lengthSortedOrder(who, layout.lengths, options.batchSize);
  return {
    batches: Math.ceil(examples.length / options.batchSize),
    examples: examples.length,
    tokens: layout.tokens,
    batch: (index) => layout.batch(exampleIndices(index)),
    exampleIndices,
  };
}
