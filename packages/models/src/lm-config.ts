import type { ModelCell } from './model-cell.js';
import { checkCellType, checkDropoutConfig } from './model-config-checks.js';

/**
 * Dropout of a language model, by method (Zaremba et al. 2014; Gal & Ghahramani 2016).
 *
 * - `none`: no dropout.
 * - `naive`: Zaremba's dropout on the non-recurrent connections (the input of every layer and
 *   the output of the top layer), a fresh mask at every time step.
 * - `variational`: Gal's dropout, one mask per sequence fixed for a truncated window, on word
 *   types of the embedding (`embedding`, p_x), every layer's input (`input`, p_i), the recurrent
 *   state h (`recurrent`, p_h) and the top output (`output`, p_o); `tied` shares one mask by
 *   all gates, untied draws one per gate (papers.md §3.1).
 */
export type LmDropoutConfig =
  | { readonly method: 'none' }
  | { readonly method: 'naive'; readonly rate: number }
  | {
      readonly method: 'variational';
      readonly embedding: number;
      readonly input: number;
      readonly recurrent: number;
      readonly output: number;
      readonly tied: boolean;
    };

/** The built-in recurrent cells (`@bayesrnn/cells`). */
export type LmCellType = 'lstm' | 'gru' | 'vanilla';

/** A stacked-RNN language model: embedding → `layers` cells → dropout → softmax. */
export interface LanguageModelConfig {
  readonly vocabSize: number;
  /** Embedding width; must equal `hiddenSize` when `tiedEmbeddings`. */
  readonly embeddingSize: number;
  readonly hiddenSize: number;
  readonly layers: number;
  /** Every layer's cell: a built-in one by name, or a `CellFactory` called once per layer. */
  readonly cell: ModelCell;
  /** Softmax weights are the embedding's transpose (Press & Wolf 2017; Inan et al. 2017). */
  readonly tiedEmbeddings: boolean;
  /** Every weight starts in U[-initScale, initScale] (Zaremba: 0.1 small, 0.05 medium, 0.04 large). */
  readonly initScale: number;
  /** Added to the LSTM forget-gate bias at initialisation (Gan et al. 2017 use 3; Zaremba 0). */
  readonly forgetBias: number;
  readonly dropout: LmDropoutConfig;
}

/** Zaremba et al. (2014) "small": 2 × 200 LSTM, no dropout, init 0.1, vocabulary 10k. */
export const DEFAULT_LANGUAGE_MODEL_CONFIG: LanguageModelConfig = {
  vocabSize: 10_000,
  embeddingSize: 200,
  hiddenSize: 200,
  layers: 2,
  cell: 'lstm',
  tiedEmbeddings: false,
  initScale: 0.1,
  forgetBias: 0,
  dropout: { method: 'none' },
};

function positiveInteger(value: number, option: string): void {
  if (!Number.isInteger(value) || value <= 0) {
    throw new RangeError(`LanguageModelConfig.${option} must be a positive integer, got ${value}`);
  }
}

/** Throws a `RangeError` naming the first invalid option. */
export function validateLanguageModelConfig(config: LanguageModelConfig): void {
  positiveInteger(config.vocabSize, 'vocabSize');
  positiveInteger(config.embeddingSize, 'embeddingSize');
  positiveInteger(config.hiddenSize, 'hiddenSize');
  positiveInteger(config.layers, 'layers');
  if (!(config.initScale > 0)) {
    throw new RangeError(`LanguageModelConfig.initScale must be positive, got ${config.initScale}`);
  }
  checkCellType(config.cell, 'LanguageModelConfig.cell');
  // A factory's cell may output another width: createLanguageModel checks it against the tie.
  const builtIn = typeof config.cell !== 'function';
  if (builtIn && config.tiedEmbeddings && config.embeddingSize !== config.hiddenSize) {
    throw new RangeError(
      `LanguageModelConfig.tiedEmbeddings needs embeddingSize (${config.embeddingSize}) = hiddenSize (${config.hiddenSize})`,
    );
  }
  checkDropoutConfig(config.dropout, 'LanguageModelConfig.dropout');
}
