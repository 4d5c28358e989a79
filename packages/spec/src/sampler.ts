import type { RngKey } from './rng-key.js';
import type { NamedTensorTree } from './tensor-tree.js';
import type { Weights } from './weights.js';

/**
 * A stochastic-gradient MCMC transition on weights (SGLD, pSGLD, SGHMC, ...).
 *
 * A sampler has no autodiff and no loop: it maps (state, gradient of the potential, key,
 * step size) to the next state. Burn-in, thinning and the sample bank live in
 * `@bayesrnn/train`, so samplers can be tested on synthetic gradients.
 */
export interface Sampler<
  Name extends string = string,
  State extends NamedTensorTree = NamedTensorTree,
> {
  /** Start a chain at `weights` (the sampler copies what it keeps; the caller keeps ownership). */
  init(weights: Weights<Name>): State;
  /**
   * One transition. `gradient` has the same names and shapes as the weights. A sampler with
   * `acceptsGradientScale` also takes `gradientScale` (global-norm clipping's factor) and
   * uses `gradient · gradientScale`, as `tf.mul` would compute it.
   */
  step(
    state: State,
    gradient: Weights<Name>,
    key: RngKey,
    stepSize: number,
    gradientScale?: number,
  ): State;
  /**
   * `true` when `step` scales the gradient by its `gradientScale` argument itself (in its own
   * pass over the weights), so a driver that clips need not write a scaled copy first.
   */
  readonly acceptsGradientScale?: boolean;
  /** The current sample. */
  position(state: State): Weights<Name>;
}
