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
    };

/** A language model's Bayesian weights by group: `embedding`, `layers/…`, `softmax/kernel`. */
export type SharpenGroup = 'embedding' | 'layers' | 'softmax';
export const SHARPEN_GROUPS: readonly SharpenGroup[] = ['embedding', 'layers', 'softmax'];

/**
 * `--sharpen`: `all` (every Bayesian weight, the paper's θ ∈ R^d), `recurrent` (the LSTM
 * layers' weights only, whose extra pass for g_φ then skips the softmax kernel's and the
 * embedding's gradients: about 1.95× a plain step against 2.3× on the PTB-small benchmark), or
 * a comma list of groups (`embedding,layers`). Returns the groups in `SHARPEN_GROUPS` order.
 *
 * @throws a message naming `--sharpen` for an unknown group or an empty list.
 */
export function parseSharpenOption(value: string): readonly SharpenGroup[] {
  if (value === 'all') return SHARPEN_GROUPS;
  if (value === 'recurrent') return ['layers'];
  const named = value.split(',').map((part) => part.trim());
  const unknown = named.filter((part) => !(SHARPEN_GROUPS as readonly string[]).includes(part));
  if (named.length === 0 || unknown.length > 0) {
    throw new RangeError(
      `--sharpen must be all, recurrent or a comma list of ${SHARPEN_GROUPS.join(', ')}, got '${value}'`,
    );
  }
  return SHARPEN_GROUPS.filter((group) => named.includes(group));
}

/** The group of a Bayesian weight of the language model. */
function groupOf(name: string): SharpenGroup {
  if (name === 'embedding') return 'embedding';
  return name.startsWith('layers/') ? 'layers' : 'softmax';
}

/** Fortunato et al.'s settings (papers.md §1.2, §1.4, §1.8): the official example's prior, σ0 = 0.02. */
const FORTUNATO_PRIOR: PriorConfig = { kind: 'scale-mixture', ...FORTUNATO_SCALE_MIXTURE };

/**
 * The posterior a method trains: point weights, BBB, or BBB with sharpening; `prior` replaces
 * the official example's scale mixture (e.g. a point of the §1.2 search grid), `sharpen` says
 * which weights bbb-sharpened sharpens.
 */
export function posteriorConfigFor(
  method: LmMethod,
  prior: PriorConfig = FORTUNATO_PRIOR,
  sharpen: readonly SharpenGroup[] = SHARPEN_GROUPS,
): RunPosteriorConfig {
  if (method === 'bbb') return { kind: 'gaussian', prior };
  if (method === 'bbb-sharpened') {
    const scope = sharpen.length === SHARPEN_GROUPS.length ? {} : { sharpen };
    return { kind: 'sharpened', prior, sigma0: 0.02, etaInit: 1e-3, ...scope };
  }
  return { kind: 'point' };
}

/**
 * Parses `--prior π,log σ1,log σ2` (Fortunato et al.'s search grid is π ∈ {0.25, 0.5, 0.75},
 * log σ1 ∈ {0, −1, −2}, log σ2 ∈ {−6, −7, −8}) into a scale-mixture prior config.
 *
 * @throws a message naming `--prior` when the value is not three numbers with 0 < π < 1 and
 * σ2 < σ1.
 */
export function parsePriorOption(value: string): PriorConfig {
  const parts = value.split(',').map((part) => Number(part.trim()));
  const [pi, logSigma1, logSigma2] = parts;
  if (
    parts.length !== 3 ||
    !parts.every(Number.isFinite) ||
    pi === undefined ||
    logSigma1 === undefined ||
    logSigma2 === undefined
  ) {
    throw new RangeError(`--prior must be 'π,log σ1,log σ2' (e.g. 0.25,-1,-7), got '${value}'`);
  }
  if (!(pi > 0 && pi < 1)) throw new RangeError(`--prior: π must be in (0, 1), got ${pi}`);
  if (!(logSigma2 < logSigma1)) {
    throw new RangeError(`--prior: need log σ2 < log σ1 (σ2 the narrow component), got '${value}'`);
  }
  return {
    kind: 'scale-mixture',
    pi,
    sigma1: Math.exp(logSigma1),
    sigma2: Math.exp(logSigma2),
  };
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
