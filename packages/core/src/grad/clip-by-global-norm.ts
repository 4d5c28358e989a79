import * as tf from '@tensorflow/tfjs-core';

/** Clipped gradients and the global norm measured before clipping. */
export interface ClippedGradients<Name extends string> {
  readonly gradients: { readonly [K in Name]: tf.Tensor };
  /** `sqrt(Σ_i ‖g_i‖²)` over every gradient, before clipping. */
  readonly globalNorm: tf.Scalar;
}

/**
 * Global-norm gradient clipping (Pascanu et al. 2013; Zaremba et al. 2014 clip at 5):
 * `g_i ← g_i · maxNorm / max(‖g‖, maxNorm)` with `‖g‖` the norm of all gradients together, so
 * the direction is kept. A non-finite norm propagates to every gradient (NaN), so the
 * training loop's NaN guard sees it rather than a silently zeroed update.
 *
 * Returns new tensors (the caller owns them, and the norm); inputs are not disposed.
 */
export function clipByGlobalNorm<Name extends string>(
  gradients: { readonly [K in Name]: tf.Tensor },
  maxNorm: number,
): ClippedGradients<Name> {
  if (!(maxNorm > 0)) {
    throw new RangeError(`clipByGlobalNorm: maxNorm must be positive, got ${maxNorm}`);
  }
  const names = Object.keys(gradients) as Name[];
  return tf.tidy(() => {
    const squares = names.map((name) => tf.sum(tf.square(gradients[name])));
    const globalNorm = squares.length === 0 ? tf.scalar(0) : tf.sqrt(tf.addN(squares));
    const scale = tf.div(maxNorm, tf.maximum(globalNorm, maxNorm));
    const clipped: Partial<Record<Name, tf.Tensor>> = {};
    for (const name of names) clipped[name] = tf.mul(gradients[name], scale);
    return {
      gradients: clipped as { readonly [K in Name]: tf.Tensor },
      globalNorm: globalNorm as tf.Scalar,
    };
  });
}
