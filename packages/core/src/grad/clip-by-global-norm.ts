import * as tf from '@tensorflow/tfjs-core';
import { wasmSumOfSquares } from '../backend/wasm-sum.js';

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
 * On the wasm backend each squared norm is one fused pass read back as a number (free there),
 * summed in float64; when the norm is within `maxNorm` the scale is exactly 1, so the gradients
 * are returned as clones (shared data) instead of multiplied by 1.
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
    const onHost = names.map((name) => wasmSumOfSquares(gradients[name]));
    const hostNorm = onHost.every((s) => s !== undefined)
      ? Math.sqrt(onHost.reduce((sum: number, s) => sum + (s ?? 0), 0))
      : undefined;
    const globalNorm =
      hostNorm !== undefined
        ? tf.scalar(hostNorm)
        : names.length === 0
          ? tf.scalar(0)
          : tf.sqrt(tf.addN(names.map((name) => tf.sum(tf.square(gradients[name])))));
    const scale = tf.div(maxNorm, tf.maximum(globalNorm, maxNorm));
    const clipped: Partial<Record<Name, tf.Tensor>> = {};
    for (const name of names) {
      // A norm within maxNorm scales by exactly 1 (maxNorm / maxNorm): g · 1 is g, bit for bit.
      clipped[name] =
        hostNorm !== undefined && hostNorm <= maxNorm
          ? tf.clone(gradients[name])
          : tf.mul(gradients[name], scale);
    }
    return {
      gradients: clipped as { readonly [K in Name]: tf.Tensor },
      globalNorm: globalNorm as tf.Scalar,
    };
  });
}
