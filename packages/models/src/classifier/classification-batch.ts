/**
 * The padded sentence batches the classifier reads. Declared here structurally (the models
 * layer does not import `@bayesrnn/data`); `@bayesrnn/data`'s batches have the same shape.
 */

/** One padded batch of labelled sentences, rows sorted or not; ids right-padded with 0. */
export interface ClassificationBatch {
  /** Sentences in this batch (the last batch of a split may be smaller). */
  readonly rows: number;
  /** `T`, the longest sentence in the batch (≥ 1). */
  readonly steps: number;
  /** `[rows · steps]` row-major token ids, 0 after each sentence's length. */
  readonly tokens: Int32Array;
  /** `[rows]`, each in `[1, steps]` (an empty sentence is length 1 of the padding id). */
  readonly lengths: Int32Array;
  /** `[rows]` class ids in `[0, classes)`. */
  readonly labels: Int32Array;
}

/** Training batches: a fresh deterministic order per epoch. */
export interface ClassificationBatchSource {
  readonly batchesPerEpoch: number;
  /** Sentences per epoch: `N` of the SG-MCMC potential (Gan et al. 2017, §2.1). */
  readonly examples: number;
  /** Batch `index` of epoch `epoch`: a pure function of its arguments. */
  batch(epoch: number, index: number): ClassificationBatch;
}

/** Evaluation batches: every example once, in a fixed order. */
export interface ClassificationEvaluationSource {
  readonly batches: number;
  readonly examples: number;
  batch(index: number): ClassificationBatch;
}

/**
 * Checks a batch against a model's sizes in JS (no tensor is read): the array lengths, every
 * length in `[1, steps]`, every token in `[0, vocabSize)`, every label in `[0, classes)`. An
 * out-of-range id would otherwise read a neighbouring embedding row silently.
 *
 * @throws RangeError naming `who`, the field and the offending row.
 */
export function checkClassificationBatch(
  batch: ClassificationBatch,
  sizes: { readonly vocabSize: number; readonly classes: number },
  who: string,
): void {
  const { rows, steps, tokens, lengths, labels } = batch;
  if (!(Number.isInteger(rows) && rows >= 1 && Number.isInteger(steps) && steps >= 1)) {
    throw new RangeError(
      `${who}: batch rows and steps must be integers ≥ 1, got ${rows} × ${steps}`,
    );
  }
  if (tokens.length !== rows * steps || lengths.length !== rows || labels.length !== rows) {
    throw new RangeError(
      `${who}: a batch of ${rows} × ${steps} needs ${rows * steps} tokens and ${rows} lengths and labels, got ${tokens.length}, ${lengths.length}, ${labels.length}`,
    );
  }
  for (let row = 0; row < rows; row += 1) {
    const length = lengths[row] ?? 0;
    if (!(length >= 1 && length <= steps)) {
      throw new RangeError(`${who}: row ${row} has length ${length}, outside [1, ${steps}]`);
    }
    const label = labels[row] ?? -1;
    if (!(label >= 0 && label < sizes.classes)) {
      throw new RangeError(`${who}: row ${row} has label ${label}, outside [0, ${sizes.classes})`);
    }
  }
  for (let index = 0; index < tokens.length; index += 1) {
    const id = tokens[index] ?? -1;
    if (!(id >= 0 && id < sizes.vocabSize)) {
      throw new RangeError(
        `${who}: row ${Math.floor(index / steps)} step ${index % steps} has token ${id}, outside [0, ${sizes.vocabSize})`,
      );
    }
  }
}
