import type { Prior } from './prior.js';

const builtIn = new WeakSet<Prior>();

/**
 * Marks a prior made by this package (`gaussianPrior`, `scaleMixturePrior`), whose `logProb`
 * is exactly the density its `config` names. Only such priors take the fused KL kernel: a
 * user's prior may carry one of these configs (to be rebuilt from a checkpoint) and still
 * compute its own `logProb`, which the kernel would not see.
 */
export function markBuiltInPrior<P extends Prior>(prior: P): P {
  builtIn.add(prior);
  return prior;
}

/** Whether {@link markBuiltInPrior} marked `prior`. */
export function isBuiltInPrior(prior: Prior): boolean {
  return builtIn.has(prior);
}
