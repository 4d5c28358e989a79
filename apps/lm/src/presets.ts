import type { LanguageModelConfig, LmDropoutConfig } from '@bayesrnn/models';

/**
 * The `--method` flag: three dropout methods on point weights, and Bayes by Backprop (without
 * dropout) with or without posterior sharpening (Fortunato et al. 2017).
 */
export type LmMethod = 'plain' | 'dropout' | 'variational' | 'bbb' | 'bbb-sharpened';

/** Every method, for `--method` validation. */
export const LM_METHODS: readonly LmMethod[] = [
  'plain',
  'dropout',
  'variational',
  'bbb',
  'bbb-sharpened',
];

/** Whether a method learns a posterior (its prior replaces weight decay). */
export function isBayesian(method: LmMethod): boolean {
  return method === 'bbb' || method === 'bbb-sharpened';
}

/** How to train: optimiser, schedule, lengths (papers.md §0.2, §3.2, §3.4). */
export interface LmTrainingConfig {
  readonly optimizer: 'sgd' | 'adam';
  readonly learningRate: number;
  /** Divide the learning rate by `decay` per epoch after epoch `decayStart` (Zaremba). */
  readonly decay: number;
  readonly decayStart: number;
  readonly epochs: number;
  /** Use only the first N windows of each epoch (smoke runs); `undefined` = all. */
  readonly maxWindowsPerEpoch?: number;
  readonly batchSize: number;
  /** Truncated-BPTT window length (`sequenceLength`). */
  readonly steps: number;
  readonly clipNorm: number;
  readonly weightDecay: number;
  /** Evaluation batch size: the evaluation corpus as this many continuous streams. */
  readonly evalBatchSize: number;
}

/** Which part of PTB to use: the full corpus, or the §1.8/§3.4 CPU subset. */
export interface LmDataConfig {
  /** Cap the vocabulary at the most frequent words (others → `<unk>`); `undefined` = all 10k. */
  readonly maxVocabulary?: number;
  /** Use only the first N training tokens. */
  readonly trainTokens?: number;
  /** Use only the first N validation tokens. */
  readonly validTokens?: number;
}

/** A preset: model, training and data settings, plus the dropout rates each method uses. */
export interface LmPreset {
  readonly description: string;
  readonly model: Omit<LanguageModelConfig, 'vocabSize' | 'dropout'>;
  readonly training: LmTrainingConfig;
  readonly data: LmDataConfig;
  readonly defaultMethod: LmMethod;
  /** Zaremba's rate for `--method dropout`. */
  readonly naiveRate: number;
  /** Gal's rates for `--method variational`. */
  readonly variational: Omit<Extract<LmDropoutConfig, { method: 'variational' }>, 'method'>;
}

const LSTM = { cell: 'lstm', tiedEmbeddings: false, forgetBias: 0 } as const;
const ZAREMBA_SGD = {
  optimizer: 'sgd',
  learningRate: 1,
  batchSize: 20,
  weightDecay: 0,
  evalBatchSize: 10,
} as const;
/** Gal's large rates (papers.md §3.2): p_x = p_h = 0.3, p_i = p_o = 0.5, untied. */
const GAL_RATES = { embedding: 0.3, input: 0.5, recurrent: 0.3, output: 0.5, tied: false } as const;

/** Every preset, by `--preset` name. */
export const PRESETS: Readonly<Record<string, LmPreset>> = {
  tiny: {
    description: 'smoke run: 1×64 LSTM, Adam, 300 steps on full PTB (about 2 minutes on 2 cores)',
    model: { ...LSTM, embeddingSize: 64, hiddenSize: 64, layers: 1, initScale: 0.1 },
    training: {
      ...ZAREMBA_SGD,
      optimizer: 'adam',
      learningRate: 3e-3,
      decay: 1,
      decayStart: 1,
      epochs: 1,
      maxWindowsPerEpoch: 300,
      steps: 20,
      clipNorm: 5,
      evalBatchSize: 20,
    },
    data: {},
    defaultMethod: 'plain',
    naiveRate: 0.5,
    variational: { embedding: 0.1, input: 0.25, recurrent: 0.1, output: 0.25, tied: false },
  },
  'cpu-small': {
    description:
      'papers.md §3.4: first 100k PTB tokens, 2k vocabulary, 1×128 LSTM, SGD lr 1, clip 5, 8 epochs',
    model: { ...LSTM, embeddingSize: 128, hiddenSize: 128, layers: 1, initScale: 0.1 },
    training: {
      ...ZAREMBA_SGD,
      decay: 1.2,
      decayStart: 4,
      epochs: 8,
      steps: 35,
      clipNorm: 5,
      weightDecay: 1e-6,
    },
    data: { maxVocabulary: 2000, trainTokens: 100_000, validTokens: 20_000 },
    defaultMethod: 'plain',
    naiveRate: 0.5,
    variational: { embedding: 0.25, input: 0.5, recurrent: 0.25, output: 0.5, tied: false },
  },
  'zaremba-small': {
    description:
      'Zaremba et al. 2014 small: 2×200 LSTM, no dropout, lr 1 halved per epoch after 4, 13 epochs',
    model: { ...LSTM, embeddingSize: 200, hiddenSize: 200, layers: 2, initScale: 0.1 },
    training: { ...ZAREMBA_SGD, decay: 2, decayStart: 4, epochs: 13, steps: 20, clipNorm: 5 },
    data: {},
    defaultMethod: 'plain',
    naiveRate: 0.5,
    variational: GAL_RATES,
  },
  'zaremba-medium': {
    description:
      'Zaremba et al. 2014 medium: 2×650 LSTM, dropout 0.5, lr 1 ÷1.2 after epoch 6, 39 epochs',
    model: { ...LSTM, embeddingSize: 650, hiddenSize: 650, layers: 2, initScale: 0.05 },
    training: { ...ZAREMBA_SGD, decay: 1.2, decayStart: 6, epochs: 39, steps: 35, clipNorm: 5 },
    data: {},
    defaultMethod: 'dropout',
    naiveRate: 0.5,
    variational: { embedding: 0.2, input: 0.5, recurrent: 0.2, output: 0.5, tied: false },
  },
  'zaremba-large': {
    description:
      'Zaremba et al. 2014 large: 2×1500 LSTM, dropout 0.65, lr 1 ÷1.15 after epoch 14, 55 epochs',
    model: { ...LSTM, embeddingSize: 1500, hiddenSize: 1500, layers: 2, initScale: 0.04 },
    training: { ...ZAREMBA_SGD, decay: 1.15, decayStart: 14, epochs: 55, steps: 35, clipNorm: 10 },
    data: {},
    defaultMethod: 'dropout',
    naiveRate: 0.65,
    variational: GAL_RATES,
  },
  'fortunato-medium': {
    description:
      'Fortunato et al. 2017 medium BBB: 2×650 LSTM, SGD lr 1 for 20 epochs then ×0.9 per epoch, clip 5, 70 epochs',
    model: { ...LSTM, embeddingSize: 650, hiddenSize: 650, layers: 2, initScale: 0.05 },
    training: {
      ...ZAREMBA_SGD,
      decay: 1 / 0.9,
      // Epochs 1–20 at lr 1, ×0.9 from epoch 21 (zarembaSchedule's decayStart counts from 0).
      decayStart: 19,
      epochs: 70,
      steps: 35,
      clipNorm: 5,
      evalBatchSize: 20,
    },
    data: {},
    defaultMethod: 'bbb',
    naiveRate: 0.5,
    variational: { embedding: 0.2, input: 0.5, recurrent: 0.2, output: 0.5, tied: false },
  },
  'gal-medium': {
    description:
      'Gal & Ghahramani 2016 medium: 2×650 variational LSTM (untied), ÷1.2 after epoch 6, 39 epochs',
    model: { ...LSTM, embeddingSize: 650, hiddenSize: 650, layers: 2, initScale: 0.05 },
    training: {
      ...ZAREMBA_SGD,
      decay: 1.2,
      decayStart: 6,
      epochs: 39,
      steps: 35,
      clipNorm: 5,
      weightDecay: 1e-7,
    },
    data: {},
    defaultMethod: 'variational',
    naiveRate: 0.5,
    // Medium rates are not in the released code (papers.md §3.2): the grid's middle.
    variational: { embedding: 0.2, input: 0.5, recurrent: 0.2, output: 0.5, tied: false },
  },
  'gal-large': {
    description:
      'Gal & Ghahramani 2016 large: 2×1500 variational LSTM (untied), ÷1.15 after epoch 10, 55 epochs',
    model: { ...LSTM, embeddingSize: 1500, hiddenSize: 1500, layers: 2, initScale: 0.04 },
    training: {
      ...ZAREMBA_SGD,
      decay: 1.15,
      decayStart: 10,
      epochs: 55,
      steps: 35,
      clipNorm: 10,
      weightDecay: 1e-7,
    },
    data: {},
    defaultMethod: 'variational',
    naiveRate: 0.65,
    variational: GAL_RATES,
  },
};

/** The model's dropout for a method, with the preset's rates. */
export function dropoutFor(preset: LmPreset, method: LmMethod): LmDropoutConfig {
  if (method === 'plain' || isBayesian(method)) return { method: 'none' };
  if (method === 'dropout') return { method: 'naive', rate: preset.naiveRate };
  return { method: 'variational', ...preset.variational };
}

/** The model config of a preset and method for a vocabulary of `vocabSize` words. */
export function modelConfigFor(
  preset: LmPreset,
  method: LmMethod,
  vocabSize: number,
): LanguageModelConfig {
  return { ...preset.model, vocabSize, dropout: dropoutFor(preset, method) };
}
