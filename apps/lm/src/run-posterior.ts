import type { LanguageModel } from '@bayesrnn/models';
import {
  createGaussianPosterior,
  createPointPosterior,
  createSharpenedPosterior,
  FORTUNATO_SCALE_MIXTURE,
  type GaussianPosterior,
  type PriorConfig,
  priorFromConfig,
} from '@bayesrnn/posteriors';
import type { Posterior, RngKey } from '@bayesrnn/spec';
import type { LmMethod } from './presets.js';

/** How a run's weights are learned, stored in `config.json` so `eval` can rebuild them. */
export type RunPosteriorConfig =
  | { readonly kind: 'point' }
  | { readonly kind: 'gaussian'; readonly prior: PriorConfig }
  | {
      readonly kind: 'sharpened';
      readonly prior: PriorConfig;
      readonly sigma0: number;
      readonly etaInit: number;
    };

/** Fortunato et al.'s settings (papers.md §1.2, §1.4, §1.8): the official example's prior, σ0 = 0.02. */
const FORTUNATO_PRIOR: PriorConfig = { kind: 'scale-mixture', ...FORTUNATO_SCALE_MIXTURE };

/** The posterior a method trains: point weights, BBB, or BBB with sharpening. */
export function posteriorConfigFor(method: LmMethod): RunPosteriorConfig {
  if (method === 'bbb') return { kind: 'gaussian', prior: FORTUNATO_PRIOR };
  if (method === 'bbb-sharpened')
    return { kind: 'sharpened', prior: FORTUNATO_PRIOR, sigma0: 0.02, etaInit: 1e-3 };
  return { kind: 'point' };
}

/** A run's posterior with its Gaussian part (for pruning), if it has one. */
export interface RunPosterior {
  readonly posterior: Posterior;
  readonly gaussian: GaussianPosterior | undefined;
}

/**
 * Builds a run's posterior over the model's weights. As in the official BBB-RNN example
 * (papers.md §1.1): every weight is Bayesian except the softmax bias; σ starts in
 * `U[s/4, s/2]` for LSTM weights and `U[s/2, s]` for the embedding and softmax, `s` the prior's
 * standard deviation. A checkpoint's variables are then loaded into it by name.
 */
export function createRunPosterior(
  config: RunPosteriorConfig,
  model: LanguageModel,
  key: RngKey,
): RunPosterior {
  if (config.kind === 'point')
    return { posterior: createPointPosterior(model.weightSpecs, key), gaussian: undefined };
  const prior = priorFromConfig(config.prior);
  const s = prior.stddev;
  const gaussian = createGaussianPosterior({
    specs: model.weightSpecs,
    key,
    prior,
    isBayesian: (name) => name !== 'softmax/bias',
    initialSigma: (name) =>
      name === 'embedding' || name === 'softmax/kernel' ? [s / 2, s] : [s / 4, s / 2],
  });
  if (config.kind === 'gaussian') return { posterior: gaussian, gaussian };
  const { sigma0, etaInit } = config;
  return { posterior: createSharpenedPosterior(gaussian, { sigma0, etaInit }), gaussian };
}
