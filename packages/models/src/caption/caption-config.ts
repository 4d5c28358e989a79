import { checkFinite, checkPositiveInteger } from '@bayesrnn/core';
import type { LmDropoutConfig } from '../lm-config.js';
import type { ModelCell } from '../model-cell.js';
import { checkCellType, checkDropoutConfig } from '../model-config-checks.js';

/**
 * A Show-and-Tell caption decoder (Vinyals et al. 2015; the model of Fortunato et al. 2017
 * §1.6 and Gan et al. 2017 §2.6): the image feature, projected to the embedding width, is the
 * recurrent cell's first input; the caption's words follow, and a softmax over the vocabulary
 * reads every output.
 */
export interface CaptionDecoderConfig {
  readonly vocabSize: number;
  /** Width of the word embedding and of the projected image feature. */
  readonly embeddingSize: number;
  readonly hiddenSize: number;
  /**
   * `D`, the width of an image's feature vector (e.g. 2048 for a ResNet's pooled features).
   * 0 makes a "blind" decoder: no image step, a language model of captions alone (the
   * baseline that shows what the image adds).
   */
  readonly featureSize: number;
  /** The recurrent cell: a built-in one by name, or a `CellFactory` (called once). */
  readonly cell: ModelCell;
  /** Every weight starts in U[−initScale, initScale] (the LSTM bias before `forgetBias`). */
  readonly initScale: number;
  /** Added to the LSTM forget-gate bias at initialisation. */
  readonly forgetBias: number;
  /**
   * `naive` (rate p): a fresh mask per step on the cell's inputs and on its outputs before the
   * softmax; `variational` (Gal & Ghahramani 2016): word-type dropout `embedding` on the words,
   * the cell's `input`/`recurrent` masks, `output` on the outputs, one mask per caption.
   */
  readonly dropout: LmDropoutConfig;
}

/**
 * Gan et al.'s captioning code (papers.md §2.5): one LSTM of 512 units, embedding 300, forget
 * bias 3.
 *
 * - `initScale` 0.08 (char-rnn's scale): Gan et al. start recurrent weights orthogonal; a
 *   512 × 512 block of U[−0.08, 0.08] entries (standard deviation 0.046) has a spectral radius
 *   near 0.046·√512 ≈ 1.04, close to the orthogonal matrix's 1.
 * - `dropout` none; Gan et al.'s dropout arm is `{method: 'naive', rate: 0.5}`.
 * - `vocabSize` and `featureSize` are placeholders: set them from the data.
 */
export const DEFAULT_CAPTION_DECODER_CONFIG: CaptionDecoderConfig = {
  vocabSize: 2_500,
  embeddingSize: 300,
  hiddenSize: 512,
  featureSize: 2_048,
  cell: 'lstm',
  initScale: 0.08,
  forgetBias: 3,
  dropout: { method: 'none' },
};

/**
 * Throws a `RangeError` naming the first invalid option, e.g.
 * `CaptionDecoderConfig.featureSize must be an integer ≥ 0, got -1`.
 */
export function validateCaptionDecoderConfig(config: CaptionDecoderConfig): void {
  const option = (name: string): string => `CaptionDecoderConfig.${name}`;
  for (const name of ['vocabSize', 'embeddingSize', 'hiddenSize'] as const)
    checkPositiveInteger(config[name], option(name));
  if (!(Number.isSafeInteger(config.featureSize) && config.featureSize >= 0)) {
    throw new RangeError(
      `${option('featureSize')} must be an integer ≥ 0, got ${config.featureSize}`,
    );
  }
  checkCellType(config.cell, option('cell'));
  if (!(config.initScale > 0 && Number.isFinite(config.initScale))) {
    throw new RangeError(`${option('initScale')} must be positive, got ${config.initScale}`);
  }
  checkFinite(config.forgetBias, option('forgetBias'));
  checkDropoutConfig(config.dropout, option('dropout'));
}
