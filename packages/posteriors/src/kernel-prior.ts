import { HALF_LOG_TWO_PI } from './gaussian-density.js';
import type { PriorConfig } from './prior.js';

/**
 * A built-in prior's log density in the form the fused draw kernel takes
 * (`wasm/gaussian-draw.c`): `log p(θ) = A − B θ² + M · softplus(D − K θ²)`, as `[A, B, D, K, M]`.
 * A Gaussian N(0, σ²) has `M = 0`; the scale mixture π N(0, σ1²) + (1 − π) N(0, σ2²) is its
 * wide component's log density plus `softplus` of the log ratio of the two components (as
 * `scale-mixture-prior.ts` sums it).
 */
export function kernelPrior(config: PriorConfig): [number, number, number, number, number] {
  if (config.kind === 'gaussian') {
    const { sigma } = config;
    return [-HALF_LOG_TWO_PI - Math.log(sigma), 1 / (2 * sigma * sigma), 0, 0, 0];
  }
  const { pi, sigma1, sigma2 } = config;
  const offset1 = Math.log(pi) - Math.log(sigma1) - HALF_LOG_TWO_PI;
  const offset2 = Math.log(1 - pi) - Math.log(sigma2) - HALF_LOG_TWO_PI;
  const k = 1 / (2 * sigma2 * sigma2) - 1 / (2 * sigma1 * sigma1);
  return [offset1, 1 / (2 * sigma1 * sigma1), offset2 - offset1, k, 1];
}
