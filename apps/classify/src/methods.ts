import type { LmDropoutConfig } from '@bayesrnn/models';

/** The arms of Gan et al. (2017) Table 5, by command-line name. */
export const CLASSIFY_METHODS = [
  'rmsprop',
  'rmsprop-dropout',
  'rmsprop-gal',
  'psgld',
  'psgld-dropout',
] as const;
export type ClassifyMethod = (typeof CLASSIFY_METHODS)[number];

/** How a method trains: the update rule and the dropout it uses. */
export interface MethodPlan {
  /** RMSprop (a point estimate) or pSGLD (samples averaged at test time). */
  readonly update: 'rmsprop' | 'psgld';
  readonly dropout: LmDropoutConfig['method'];
}

/** Table 5's rows: "Dropout" is dropout on the non-recurrent connections, "Gal's" the tied masks. */
export const METHOD_PLANS: Readonly<Record<ClassifyMethod, MethodPlan>> = {
  rmsprop: { update: 'rmsprop', dropout: 'none' },
  'rmsprop-dropout': { update: 'rmsprop', dropout: 'naive' },
  'rmsprop-gal': { update: 'rmsprop', dropout: 'variational' },
  psgld: { update: 'psgld', dropout: 'none' },
  'psgld-dropout': { update: 'psgld', dropout: 'naive' },
};

/**
 * The dropout of a method at the command line's `--dropout-rate p`. Naive dropout masks the
 * embedded words (a fresh mask per step) and the features fed to the softmax. Gal's dropout
 * (papers.md §3.1) keeps one mask per sentence on each LSTM's input and recurrent state (tied
 * across gates) and one on the features; word-type embedding dropout is off: on sentences of
 * 10–20 words a dropped type removes whole cue words, and the paper's arms are compared at one
 * rate.
 */
export function dropoutFor(method: ClassifyMethod, rate: number): LmDropoutConfig {
  const kind = METHOD_PLANS[method].dropout;
  if (kind === 'none' || rate === 0) return { method: 'none' };
  if (kind === 'naive') return { method: 'naive', rate };
  return {
    method: 'variational',
    embedding: 0,
    input: rate,
    recurrent: rate,
    output: rate,
    tied: true,
  };
}
