import { gaussianPrior } from './gaussian-prior.js';
import type { Prior, PriorConfig } from './prior.js';
import { scaleMixturePrior } from './scale-mixture-prior.js';

/** The prior a `PriorConfig` describes (e.g. read back from a run's config). */
export function priorFromConfig(config: PriorConfig): Prior {
  switch (config.kind) {
    case 'gaussian':
      return gaussianPrior(config.sigma);
    case 'scale-mixture':
      return scaleMixturePrior(config);
    default:
      throw new Error(`unknown prior kind '${(config as { kind: unknown }).kind}'`);
  }
}
