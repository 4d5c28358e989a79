import type { Scalar, Variable } from '@tensorflow/tfjs-core';
import type { RngKey } from './rng-key.js';
import type { Weights } from './weights.js';

/** What a draw may need beyond a key. */
export interface DrawContext<Name extends string = string> {
  /** Training draws may differ from evaluation draws (e.g. sharpening only in training). */
  readonly training: boolean;
  /**
   * The minibatch loss as a function of weights. Posterior sharpening (Fortunato et al.
   * 2017, eq. 7) differentiates it at a first draw to centre the sharpened posterior.
   */
  readonly lossOf?: (weights: Weights<Name>) => Scalar;
}

/** One draw: weights for a whole truncated window, and the KL term that goes with them. */
export interface Draw<Name extends string = string> {
  readonly weights: Weights<Name>;
  /**
   * KL(q ‖ p) of the global posterior for this draw (closed form or single-sample estimate),
   * in nats over all weights; 0 for point weights. Paid once per pass over the data: a task
   * divides it by the number of minibatches per epoch (Fortunato et al. 2017, eq. 8).
   */
  readonly kl: Scalar;
  /**
   * KL of a minibatch-conditioned posterior against its hierarchical prior, paid in full for
   * every minibatch (posterior sharpening, Fortunato et al. 2017, eq. 9:
   * `KL[q(θ|φ,(x,y)) ‖ p(θ|φ)]`). Absent when the draw does not depend on the minibatch.
   */
  readonly minibatchKl?: Scalar;
}

/**
 * Anything that hands out weights: point weights, a posterior, an MCMC sample bank.
 * One draw serves a whole truncated window: all time steps, all layers, every sequence.
 */
export interface WeightSource<Name extends string = string> {
  /** Draw weights and their KL. Same key and context → same draw. The caller owns the result. */
  draw(key: RngKey, context: DrawContext<Name>): Draw<Name>;
  /** The point summary used for deterministic evaluation (the posterior mean). The caller owns the result. */
  mean(): Weights<Name>;
}

/** A learnable weight distribution: a `WeightSource` with trainable variables. */
export interface Posterior<Name extends string = string> extends WeightSource<Name> {
  /** Every variable an optimiser should update, by unique name. */
  readonly variables: { readonly [name: string]: Variable };
}
