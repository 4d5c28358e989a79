import { checkFinite, checkPositiveInteger } from '@bayesrnn/core';
import type { LmDropoutConfig } from '../lm-config.js';
import type { ModelCell } from '../model-cell.js';
import { checkCellType, checkDropoutConfig } from '../model-config-checks.js';

/**
 * A sentence classifier: embedding → one recurrent layer, run forward and (when
 * `bidirectional`) backward over each sentence → the directions' last outputs → softmax over
 * `classes` (Gan et al. 2017, Table 5; papers.md §2.6).
 */
export interface SentenceClassifierConfig {
  readonly vocabSize: number;
  readonly embeddingSize: number;
  /** Units of each direction; the features are `directions × hiddenSize` wide. */
  readonly hiddenSize: number;
  /** Number of classes (MR, CR, SUBJ, MPQA 2; TREC 6). */
  readonly classes: number;
  /** The recurrent cell: a built-in one by name, or a `CellFactory` (called once). */
  readonly cell: ModelCell;
  /** A second cell reads every sentence right to left. */
  readonly bidirectional: boolean;
  /** Every weight starts in U[−initScale, initScale] (the LSTM bias before `forgetBias`). */
  readonly initScale: number;
  /** Added to the LSTM forget-gate bias at initialisation. */
  readonly forgetBias: number;
  /**
   * `naive` (rate p): a fresh mask per time step on the embedding output and a mask on the
   * features; `variational` (Gal & Ghahramani 2016): word-type dropout `embedding` on the
   * embedding, the cells' `input`/`recurrent` masks (`tied` or per gate), `output` on the features.
   */
  readonly dropout: LmDropoutConfig;
}

/**
 * Gan et al. (2017, papers.md §2.6): a 1-layer bidirectional LSTM of 400 units, embedding 300
 * (the width of the word2vec vectors they start from), forget-gate bias 3.
 *
 * - `initScale` 0.1: Gan et al. draw non-recurrent weights from U[−0.01, 0.01] and recurrent
 *   ones orthogonal, a split one uniform scale cannot make. U[−0.1, 0.1] gives each 400 × 400
 *   recurrent block entries of standard deviation 0.1/√3 and so a spectral radius near
 *   0.058·√400 ≈ 1.15, close to the orthogonal matrix's 1; 0.01 would give 0.12, a recurrence
 *   that forgets within a few words. Without word2vec the embedding is learned from U[−0.1, 0.1]
 *   too (Zaremba's small-model scale).
 * - `dropout` none: the plain RMSprop / pSGLD arms of Table 5; the dropout arms use
 *   `{method: 'naive', rate: 0.5}` ("0.5 throughout", §2.4) or `variational`.
 * - `vocabSize` and `classes` are placeholders: set them from the data (vocabulary, labels).
 */
export const DEFAULT_SENTENCE_CLASSIFIER_CONFIG: SentenceClassifierConfig = {
  vocabSize: 20_000,
  embeddingSize: 300,
  hiddenSize: 400,
  classes: 2,
  cell: 'lstm',
  bidirectional: true,
  initScale: 0.1,
  forgetBias: 3,
  dropout: { method: 'none' },
};

/**
 * Throws a `RangeError` naming the first invalid option, e.g.
 * `SentenceClassifierConfig.classes must be an integer ≥ 2, got 1`.
 */
export function validateSentenceClassifierConfig(config: SentenceClassifierConfig): void {
  const option = (name: string): string => `SentenceClassifierConfig.${name}`;
  for (const name of ['vocabSize', 'embeddingSize', 'hiddenSize'] as const)
    checkPositiveInteger(config[name], option(name));
  if (!(Number.isInteger(config.classes) && config.classes >= 2)) {
    throw new RangeError(`${option('classes')} must be an integer ≥ 2, got ${config.classes}`);
  }
  checkCellType(config.cell, option('cell'));
  if (typeof config.bidirectional !== 'boolean') {
    throw new RangeError(
      `${option('bidirectional')} must be a boolean, got ${String(config.bidirectional)}`,
    );
  }
  if (!(config.initScale > 0 && Number.isFinite(config.initScale))) {
    throw new RangeError(`${option('initScale')} must be positive, got ${config.initScale}`);
  }
  checkFinite(config.forgetBias, option('forgetBias'));
  checkDropoutConfig(config.dropout, option('dropout'));
}
