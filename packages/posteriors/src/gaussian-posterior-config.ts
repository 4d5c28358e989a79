import type { KlEstimator } from './gaussian-weight.js';
import type { PriorConfig } from './prior.js';

/** What rebuilds a Gaussian posterior around a checkpoint's variables (JSON). */
export interface GaussianPosteriorConfig {
  readonly kind: 'gaussian';
  readonly prior: PriorConfig;
  readonly kl: KlEstimator;
  readonly sigmaFloor: number;
  /** The weights with a Gaussian (the rest are point estimates, outside the KL). */
  readonly bayesian: readonly string[];
}

/** Variable names of a Bayesian weight: `<name>/mu` and `<name>/rho`. */
export function gaussianVariableNames(name: string): { mu: string; rho: string } {
  return { mu: `${name}/mu`, rho: `${name}/rho` };
}
