import {
  createEvaluationBatches,
  createTbpttBatches,
  loadPtbCorpus,
  type Vocabulary,
} from '@bayesrnn/data';
import type { EvaluationWindowSource, TrainingWindowSource } from '@bayesrnn/models';
import type { LmDataConfig, LmTrainingConfig } from './settings.js';
import { type CorpusIds, loadWarPeace } from './warpeace-corpus.js';

/** A corpus laid out for training and evaluation. */
export interface LmCorpus {
  readonly vocabulary: Vocabulary;
  readonly train: TrainingWindowSource;
  readonly evaluation: {
    readonly valid: EvaluationWindowSource;
    readonly test: EvaluationWindowSource;
  };
  readonly tokens: { readonly train: number; readonly valid: number; readonly test: number };
  /** The encoded splits (the test split's sentence-reversed copy; the sharpened bound's windows). */
  readonly ids: { readonly valid: Int32Array; readonly test: Int32Array };
}

/** PTB words (the §1.8/§3.4 subset when the data config asks) as id streams. */
async function loadPtbIds(
  dataDir: string,
  data: LmDataConfig,
  vocabulary: Vocabulary | undefined,
): Promise<CorpusIds> {
  return loadPtbCorpus(dataDir, {
    // A trained run's vocabulary already has the cap applied.
    ...(data.maxVocabulary === undefined || vocabulary !== undefined
      ? {}
      : { maxVocabulary: data.maxVocabulary }),
    ...(data.trainTokens === undefined ? {} : { trainTokens: data.trainTokens }),
    ...(data.validTokens === undefined ? {} : { validTokens: data.validTokens }),
    ...(vocabulary === undefined ? {} : { vocabulary }),
  });
}

/**
 * Reads the data config's corpus from `dataDir` (PTB words, or War and Peace characters split
 * by char-rnn's rule for this batch shape) and cuts it into truncated-BPTT windows.
 * `maxWindowsPerEpoch` shortens an epoch (smoke runs) without changing which windows come
 * first. A fixed vocabulary (from a trained run) encodes strictly.
 */
export async function loadLmCorpus(
  dataDir: string,
  data: LmDataConfig,
  training: LmTrainingConfig,
  vocabulary?: Vocabulary,
): Promise<LmCorpus> {
  const corpus =
    data.corpus === 'warpeace'
      ? await loadWarPeace(dataDir, training.batchSize * training.steps, vocabulary)
      : await loadPtbIds(dataDir, data, vocabulary);
  const batches = createTbpttBatches(corpus.train, {
    batchSize: training.batchSize,
    steps: training.steps,
  });
  const windowsPerEpoch = Math.min(
    batches.windowsPerEpoch,
    training.maxWindowsPerEpoch ?? Number.POSITIVE_INFINITY,
  );
  const evaluation = { batchSize: training.evalBatchSize, steps: training.steps };
  return {
    vocabulary: corpus.vocabulary,
    train: {
      batchSize: batches.batchSize,
      steps: batches.steps,
      windowsPerEpoch,
      window: (i) => batches.window(i),
    },
    evaluation: {
      valid: createEvaluationBatches(corpus.valid, evaluation),
      test: createEvaluationBatches(corpus.test, evaluation),
    },
    tokens: { train: corpus.train.length, valid: corpus.valid.length, test: corpus.test.length },
    ids: { valid: corpus.valid, test: corpus.test },
  };
}
