import type { LanguageModel } from '@bayesrnn/models';
import {
  createGaussianPosterior,
  createPointPosterior,
  createSharpenedPosterior,
  FORTUNATO_SCALE_MIXTURE,
  type GaussianPosterior,
  type PriorConfig,
  priorFromConfig,
  sharpeningClipGroup,
} from '@bayesrnn/posteriors';
import type { Posterior, RngKey } from '@bayesrnn/spec';
import type { ClipGroups, GroupClipNorms } from '@bayesrnn/train';
import type { LmMethod } from './settings.js';

/** How a run's weights are learned, stored in `config.json` so `eval` can rebuild them. */
export type RunPosteriorConfig =
  | { readonly kind: 'point' }
  | { readonly kind: 'gaussian'; readonly prior: PriorConfig }
  | {
      readonly kind: 'sharpened';
      readonly prior: PriorConfig;
      readonly sigma0: number;
      readonly etaInit: number;
      /**
       * The weight groups sharpened; absent = all of them (every run before the option).
       * `'recurrent'`, written by the option's first version, is `['layers']`.
       */
      readonly sharpen?: readonly SharpenGroup[] | 'recurrent';
      /**
       * η's gradients clipped `'apart'` from the weights' (`clippingFor`), or `'together'`
       * in one global norm; absent = together (every run before the option).
       */
      readonly clipEta?: ClipEta;
      /** With `clipEta: 'apart'`, η's own clipping threshold; absent = the run's `clipNorm`. */
      readonly etaClipNorm?: number;
    };

/** How bbb-sharpened clips η's gradients: in their own group, or with the weights'. */
export type ClipEta = 'apart' | 'together';

/** A language model's Bayesian weights by group: `embedding`, `layers/…`, `softmax/kernel`. */
export type SharpenGroup = 'embedding' | 'layers' | 'softmax';
export const SHARPEN_GROUPS: readonly SharpenGroup[] = ['embedding', 'layers', 'softmax'];

/** The group of a Bayesian weight of the language model. */
function groupOf(name: string): SharpenGroup {
  if (name === 'embedding') return 'embedding';
  return name.startsWith('layers/') ? 'layers' : 'softmax';
}

/** Fortunato et al.'s settings (papers.md §1.2, §1.4, §1.8): the official example's prior, σ0 = 0.02. */
const FORTUNATO_PRIOR: PriorConfig = { kind: 'scale-mixture', ...FORTUNATO_SCALE_MIXTURE };

/** The posterior settings a command line chose; absent ones are Fortunato et al.'s. */
export interface PosteriorChoices {
  /** Replaces the official example's scale mixture (e.g. a point of the §1.2 search grid). */
  readonly prior?: PriorConfig;
  /** The weight groups bbb-sharpened sharpens (default all). */
  readonly sharpen?: readonly SharpenGroup[];
  /** σ0 of the sharpened draw θ ~ N(φ − η g_φ, σ0²) (default 0.02, the paper's). */
  readonly sigma0?: number;
  /** η's initial value, every element (default 1e-3, papers.md §1.8). */
  readonly etaInit?: number;
  /** Default `'together'`: see `clippingFor`. */
  readonly clipEta?: ClipEta;
  /** η's threshold when clipped apart (default: the run's `clipNorm`). */
  readonly etaClipNorm?: number;
}

/** The posterior a method trains: point weights, BBB, or BBB with sharpening. */
export function posteriorConfigFor(
  method: LmMethod,
  choices: PosteriorChoices = {},
): RunPosteriorConfig {
  const prior = choices.prior ?? FORTUNATO_PRIOR;
  if (method === 'bbb') return { kind: 'gaussian', prior };
  if (method === 'bbb-sharpened') {
    const sharpen = choices.sharpen ?? SHARPEN_GROUPS;
    const scope = sharpen.length === SHARPEN_GROUPS.length ? {} : { sharpen };
    const sigma0 = choices.sigma0 ?? 0.02;
    const etaInit = choices.etaInit ?? 1e-3;
    // Together (one global norm, as the reference code clips) is written as no field, so the
    // runs from before the option resume.
    const { etaClipNorm } = choices;
    const clipping =
      choices.clipEta === 'apart'
        ? { clipEta: 'apart' as const, ...(etaClipNorm === undefined ? {} : { etaClipNorm }) }
        : {};
    return { kind: 'sharpened', prior, sigma0, etaInit, ...scope, ...clipping };
  }
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
  const groups = config.sharpen === 'recurrent' ? ['layers'] : config.sharpen;
  const scope =
    groups === undefined ? {} : { isSharpened: (name: string) => groups.includes(groupOf(name)) };
  return {
    posterior: createSharpenedPosterior(gaussian, { sigma0, etaInit, ...scope }),
    gaussian,
  };
}

/**
 * How a run's training clips its gradients beyond `clipNorm`. By default (`'together'`, as the
 * reference code clips) every gradient shares one global norm. With `'apart'`, η's gradients
 * (`sharpeningClipGroup`) are clipped by their own norm, at `etaClipNorm` when given, and the
 * weights' by theirs. Early in training η's gradients on the softmax kernel reach six times the
 * norm of all the others: clipped together they shrink μ's and ρ's steps as much (115 against
 * 107 validation perplexity on cpu-small); clipped apart at the weights' threshold η grows and
 * the sharpened bound gets worse; apart at 0.5 neither happens (README, "Which weights to
 * sharpen").
 */
export function clippingFor(config: RunPosteriorConfig): {
  clipGroups?: ClipGroups;
  groupClipNorms?: GroupClipNorms;
} {
  if (config.kind !== 'sharpened' || config.clipEta !== 'apart') return {};
  const { etaClipNorm } = config;
  return {
    clipGroups: sharpeningClipGroup,
    ...(etaClipNorm === undefined ? {} : { groupClipNorms: { eta: etaClipNorm } }),
  };
}
