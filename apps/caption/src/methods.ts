import type { LmDropoutConfig } from '@bayesrnn/models';

/** The arms of Gan et al.'s captioning experiment (2017, §5.3), by command-line name. */
export const CAPTION_METHODS = ['rmsprop', 'rmsprop-dropout', 'psgld', 'psgld-dropout'] as const;
export type CaptionMethod = (typeof CAPTION_METHODS)[number];

/** Whether a method samples (pSGLD, samples averaged) or optimises (RMSprop, a point). */
export function isSampling(method: CaptionMethod): boolean {
  return method.startsWith('psgld');
}

/**
 * The dropout of a method at `--dropout-rate p`: naive dropout on the cell's inputs (the image
 * and the words) and on its outputs before the softmax, a fresh mask per step, as Gan et al.'s
 * dropout arms ("0.5 throughout").
 */
export function dropoutFor(method: CaptionMethod, rate: number): LmDropoutConfig {
  return method.endsWith('-dropout') && rate > 0 ? { method: 'naive', rate } : { method: 'none' };
}
