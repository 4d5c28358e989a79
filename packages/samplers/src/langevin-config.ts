import { checkNonNegative, checkPositive } from './validate.js';

/**
 * What every Langevin-type sampler needs to turn the gradient of a *minibatch loss* into a
 * step on the full posterior.
 *
 * The sampler targets `p(θ | D) ∝ exp(−U(θ)/T)` with the potential
 *
 * ```
 * U(θ) = N·L(θ) − log p(θ),        p(θ) = N(0, σ² I)
 * ```
 *
 * where `L` is the loss whose gradient `g = ∇L` the caller passes to `step`, an unbiased
 * estimate of `(1/N)·Σₙ −log p(Dₙ | θ)`. So `N` is whatever makes `N·L` the full-data negative
 * log-likelihood:
 *
 * - `L` = mean NLL per token → `N` = number of training tokens;
 * - `L` = NLL summed over a window's steps and averaged over the batch → `N` = batch size ×
 *   windows per epoch (the number of sequences-windows in one epoch);
 * - `L` = mean NLL per example → `N` = number of training examples.
 */
export interface LangevinConfig {
  /** `N` above (> 0). */
  readonly datasetSize: number;
  /**
   * `σ²` of the Gaussian prior `N(0, σ² I)` on every weight (> 0; default 1 as in Gan et al.
   * 2017, papers.md §2.1). `Infinity` switches the prior off (a flat, improper prior).
   */
  readonly priorVariance?: number;
  /**
   * `T` (≥ 0, default 1): the target is `exp(−U/T)`. `T = 0` switches the injected noise off,
   * leaving the optimiser the sampler is built on (SGD, RMSprop, momentum SGD).
   */
  readonly temperature?: number;
}

/** `LangevinConfig` with every default filled in and checked. */
export interface ResolvedLangevinConfig {
  readonly datasetSize: number;
  readonly priorVariance: number;
  readonly temperature: number;
}

/** `σ² = 1` (Gan et al. 2017) and `T = 1` (the posterior itself). */
export const DEFAULT_LANGEVIN_CONFIG = { priorVariance: 1, temperature: 1 } as const;

/**
 * Fills in defaults and checks every value.
 *
 * @param owner - the config type for messages, e.g. `'SgldConfig'`.
 * @throws RangeError naming the option and the value.
 */
export function resolveLangevinConfig(
  config: LangevinConfig,
  owner: string,
): ResolvedLangevinConfig {
  const priorVariance = config.priorVariance ?? DEFAULT_LANGEVIN_CONFIG.priorVariance;
  if (!(typeof priorVariance === 'number' && priorVariance > 0)) {
    throw new RangeError(
      `${owner}.priorVariance must be > 0 (Infinity for no prior), got ${String(priorVariance)}`,
    );
  }
  return {
    datasetSize: checkPositive(config.datasetSize, `${owner}.datasetSize`),
    priorVariance,
    temperature: checkNonNegative(
      config.temperature ?? DEFAULT_LANGEVIN_CONFIG.temperature,
      `${owner}.temperature`,
    ),
  };
}

/** Checks the step size given to `step` (finite, ≥ 0; 0 leaves the position unchanged). */
export function checkStepSize(stepSize: number, owner: string): void {
  checkNonNegative(stepSize, `${owner}.step: stepSize`);
}
