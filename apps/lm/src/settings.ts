import type { LanguageModelConfig, LmCellType, LmDropoutConfig } from '@bayesrnn/models';

/**
 * The `--method` flag: three dropout methods on point weights, and Bayes by Backprop (without
 * dropout) with or without posterior sharpening (Fortunato et al. 2017).
 */
export type LmMethod =
  | 'plain'
  | 'dropout'
  | 'variational'
  | 'bbb'
  | 'bbb-sharpened'
  | 'sgld'
  | 'psgld';

/** Every method, for `--method` validation. */
export const LM_METHODS: readonly LmMethod[] = [
  'plain',
  'dropout',
  'variational',
  'bbb',
  'bbb-sharpened',
  'sgld',
  'psgld',
];

/** Whether a method samples weights by SG-MCMC (Gan et al. 2017) into a sample bank. */
export function isSampler(method: LmMethod): method is 'sgld' | 'psgld' {
  return method === 'sgld' || method === 'psgld';
}

/** Burn-in and thinning of an SG-MCMC run, in optimiser steps (papers.md §2.5). */
export interface LmSamplingConfig {
  readonly burnInSteps: number;
  readonly thinning: number;
  readonly maxSamples: number;
}

/** Whether a method learns a posterior (its prior replaces weight decay). */
export function isBayesian(method: LmMethod): boolean {
  return method === 'bbb' || method === 'bbb-sharpened';
}

/** How to train: optimiser, schedule, lengths (papers.md §0.2, §3.2, §3.4). */
export interface LmTrainingConfig {
  /** For the point methods; `sgld` follows SGD's rate, `psgld` RMSprop's (β 0.99, λ 1e-8). */
  readonly optimizer: 'sgd' | 'adam' | 'rmsprop';
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
  /**
   * sgld/psgld: the posterior's temperature T (noise variance × T; default 1, the textbook
   * sampler; T < 1 is a cold posterior, 0 turns the sampler into its optimiser).
   */
  readonly temperature?: number;
}

/**
 * The corpora a preset can train on: Penn Treebank words, or War and Peace characters (Gan et
 * al. 2017's character-level task, after Karpathy et al. 2016).
 */
export type LmCorpusName = 'ptb' | 'warpeace';

/**
 * Which data to use: PTB (the full corpus, or the §1.8/§3.4 CPU subset), or War and Peace
 * characters (the PTB subset options do not apply to it).
 */
export interface LmDataConfig {
  /** The corpus; `undefined` = `'ptb'` (every run written before War and Peace existed). */
  readonly corpus?: LmCorpusName;
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
  /** The model without the data's vocabulary and the method's dropout; a named cell (a preset is data). */
  readonly model: Omit<LanguageModelConfig, 'vocabSize' | 'dropout' | 'cell'> & {
    readonly cell: LmCellType;
  };
  readonly training: LmTrainingConfig;
  readonly data: LmDataConfig;
  readonly defaultMethod: LmMethod;
  /** Zaremba's rate for `--method dropout`. */
  readonly naiveRate: number;
  /** Gal's rates for `--method variational`. */
  readonly variational: Omit<Extract<LmDropoutConfig, { method: 'variational' }>, 'method'>;
  /** Burn-in and thinning for `--method sgld|psgld` (default: 1/4 of the steps, then 20 samples). */
  readonly sampling?: LmSamplingConfig;
  /** Start every window from the zero state (Gan et al.'s "random minibatches"). */
  readonly resetStateEachWindow?: boolean;
}

/** The `--dropout` flag: overrides a method's own dropout (e.g. pSGLD + dropout). */
export type LmDropoutChoice = 'none' | 'naive' | 'variational';

/** The dropout a method implies: none for plain weights, posteriors and samplers. */
function defaultDropout(method: LmMethod): LmDropoutChoice {
  if (method === 'dropout') return 'naive';
  return method === 'variational' ? 'variational' : 'none';
}

/** The model's dropout for a method (or an explicit `--dropout`), with the preset's rates. */
export function dropoutFor(
  preset: LmPreset,
  method: LmMethod,
  choice: LmDropoutChoice = defaultDropout(method),
): LmDropoutConfig {
  if (choice === 'none') return { method: 'none' };
  if (choice === 'naive') return { method: 'naive', rate: preset.naiveRate };
  return { method: 'variational', ...preset.variational };
}

/** The `--cell` flag: every cell a preset's layers can use (Gan et al. compare all three). */
export const LM_CELLS: readonly LmCellType[] = ['lstm', 'gru', 'vanilla'];

/**
 * The model config of a preset and method for a vocabulary of `vocabSize` tokens, with the
 * preset's cell unless `cell` replaces it.
 */
export function modelConfigFor(
  preset: LmPreset,
  method: LmMethod,
  vocabSize: number,
  dropout?: LmDropoutChoice,
  cell: LmCellType = preset.model.cell,
): LanguageModelConfig {
  return { ...preset.model, cell, vocabSize, dropout: dropoutFor(preset, method, dropout) };
}
