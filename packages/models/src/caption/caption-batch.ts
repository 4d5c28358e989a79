/**
 * The teacher-forced caption batches the decoder reads. Declared here structurally (the models
 * layer does not import `@bayesrnn/data`); `@bayesrnn/data`'s caption batches have this shape.
 */

/** One batch of captions with their images' features; ids right-padded with 0 (`<pad>`). */
export interface CaptionBatch {
  /** Captions in the batch. */
  readonly rows: number;
  /** `T`: the longest caption's words + 1 (its `<eos>`). */
  readonly steps: number;
  /** `D`, the feature width; 0 when there are no image features. */
  readonly featureSize: number;
  /** `[rows · D]`: each caption's image feature. */
  readonly features: Float32Array;
  /** `[rows · steps]`: `<bos>, w1 … wn`, then 0. */
  readonly inputs: Int32Array;
  /** `[rows · steps]`: `w1 … wn, <eos>`, then 0. */
  readonly targets: Int32Array;
  /** `[rows]`: `n + 1`, each in `[1, steps]`. */
  readonly lengths: Int32Array;
}

/** Training batches: a fresh deterministic order per epoch. */
export interface CaptionBatchSource {
  readonly batchesPerEpoch: number;
  /** Captions per epoch: `N` of the SG-MCMC potential (Gan et al. 2017, §2.1). */
  readonly examples: number;
  /** Batch `index` of epoch `epoch`: a pure function of its arguments. */
  batch(epoch: number, index: number): CaptionBatch;
}

/** Evaluation batches: every caption once, in a fixed order. */
export interface CaptionEvaluationSource {
  readonly batches: number;
  readonly examples: number;
  batch(index: number): CaptionBatch;
}

/**
 * Checks a batch against a decoder's sizes in JS (no tensor is read): the array lengths, every
 * length in `[1, steps]`, every id in `[0, vocabSize)`. An out-of-range id would otherwise read
 * a neighbouring embedding row silently.
 *
 * @throws RangeError naming `who`, the field and the offending row.
 */
export function checkCaptionBatch(
  batch: CaptionBatch,
  sizes: { readonly vocabSize: number; readonly featureSize: number },
  who: string,
): void {
  const { rows, steps, lengths } = batch;
  if (!(Number.isInteger(rows) && rows >= 1 && Number.isInteger(steps) && steps >= 1)) {
    throw new RangeError(
      `${who}: batch rows and steps must be integers ≥ 1, got ${rows} × ${steps}`,
    );
  }
  if (batch.featureSize !== sizes.featureSize) {
    throw new RangeError(
      `${who}: the batch has image features of width ${batch.featureSize}, the decoder reads ${sizes.featureSize}`,
    );
  }
  const expected = { inputs: rows * steps, targets: rows * steps, lengths: rows };
  for (const [field, size] of Object.entries(expected)) {
    const length = batch[field as keyof typeof expected].length;
    if (length !== size) {
      throw new RangeError(
        `${who}: a batch of ${rows} × ${steps} needs ${size} ${field}, got ${length}`,
      );
    }
  }
  if (batch.features.length !== rows * sizes.featureSize) {
    throw new RangeError(
      `${who}: a batch of ${rows} needs ${rows * sizes.featureSize} feature values, got ${batch.features.length}`,
    );
  }
  for (let row = 0; row < rows; row += 1) {
    const length = lengths[row] ?? 0;
    if (!(length >= 1 && length <= steps)) {
      throw new RangeError(`${who}: row ${row} has length ${length}, outside [1, ${steps}]`);
    }
  }
  for (const field of ['inputs', 'targets'] as const) {
    const ids = batch[field];
    for (let index = 0; index < ids.length; index += 1) {
      const id = ids[index] ?? -1;
      if (!(id >= 0 && id < sizes.vocabSize)) {
        throw new RangeError(
          `${who}: ${field} row ${Math.floor(index / steps)} step ${index % steps} has id ${id}, outside [0, ${sizes.vocabSize})`,
        );
      }
    }
  }
}
