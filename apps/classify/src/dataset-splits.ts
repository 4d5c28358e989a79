import { foldIn } from '@bayesrnn/core';
import {
  buildSentenceVocabulary,
  type ClassificationBatchSource,
  type ClassificationEvaluationSource,
  createClassificationBatches,
  createClassificationEvaluation,
  crossValidationSplit,
  encodeSentences,
  holdOutSplit,
  type LabelledSentence,
  readSentenceClassification,
  type SentenceDatasetName,
  type Vocabulary,
} from '@bayesrnn/data';
import type { RngKey } from '@bayesrnn/spec';

/** How a run cuts and batches its dataset. */
export interface SplitOptions {
  /** Cross-validation fold (0-based) for datasets without a test split. */
  readonly fold: number;
  readonly folds: number;
  /** Part of the training sentences held out for validation when there is no dev split. */
  readonly validFraction: number;
  readonly batchSize: number;
  /** Fixes the folds, the held-out part and the batch order. */
  readonly key: RngKey;
}

/** A dataset ready to train on: batches, the evaluation splits and what they hold. */
export interface ClassificationSplits {
  readonly classes: readonly string[];
  readonly vocabulary: Vocabulary;
  readonly train: ClassificationBatchSource;
  readonly evaluation: {
    readonly valid: ClassificationEvaluationSource;
    readonly test: ClassificationEvaluationSource;
  };
  /** Sentences per split, and how the test split was made. */
  readonly counts: { readonly train: number; readonly valid: number; readonly test: number };
  readonly testSplit: 'official' | `fold ${number}/${number}`;
}

function pick(sentences: readonly LabelledSentence[], indices: Int32Array): LabelledSentence[] {
  return Array.from(indices, (index) => sentences[index] as LabelledSentence);
}

/**
 * Reads `name` from `dir` and cuts it as Gan et al. (2017) do: the official test split where
 * there is one (TREC, SST), else fold `fold` of a `folds`-fold cross-validation; the dev split
 * where there is one (SST), else `validFraction` of the training sentences held out. The
 * vocabulary comes from the training sentences only (an unseen test word is `<unk>`).
 */
export async function loadClassificationSplits(
  dir: string,
  name: SentenceDatasetName,
  options: SplitOptions,
): Promise<ClassificationSplits> {
  const dataset = await readSentenceClassification(dir, name);
  let pool: readonly LabelledSentence[] = dataset.train;
  let test = dataset.test;
  if (test === undefined) {
    const split = crossValidationSplit(pool.length, {
      folds: options.folds,
      fold: options.fold,
      key: foldIn(options.key, 'folds'),
    });
    test = pick(pool, split.test);
    pool = pick(pool, split.train);
  }
  let train = pool;
  let valid = dataset.dev;
  if (valid === undefined) {
    const all = Int32Array.from(pool.keys());
    const held = holdOutSplit(all, {
      fraction: options.validFraction,
      key: foldIn(options.key, 'valid'),
    });
    valid = pick(pool, held.heldOut);
    train = pick(pool, held.train);
  }
  const vocabulary = buildSentenceVocabulary(train);
  const encode = (sentences: readonly LabelledSentence[]) => encodeSentences(sentences, vocabulary);
  const evaluation = (sentences: readonly LabelledSentence[]) =>
    createClassificationEvaluation(encode(sentences), { batchSize: options.batchSize });
  return {
    classes: dataset.classes,
    vocabulary,
    train: createClassificationBatches(encode(train), {
      batchSize: options.batchSize,
      key: foldIn(options.key, 'batches'),
    }),
    evaluation: { valid: evaluation(valid), test: evaluation(test) },
    counts: { train: train.length, valid: valid.length, test: test.length },
    testSplit: dataset.test === undefined ? `fold ${options.fold}/${options.folds}` : 'official',
  };
}
