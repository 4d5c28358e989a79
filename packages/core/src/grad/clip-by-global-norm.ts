import * as tf from '@tensorflow/tfjs-core';
import { isWasmHeapBackend } from '../backend/wasm-heap.js';
import { wasmSumOfSquares } from '../backend/wasm-sum.js';

/** Clipped gradients and the global norm measured before clipping. */
export interface ClippedGradients<Name extends string> {
  readonly gradients: { readonly [K in Name]: tf.Tensor };
  /** `sqrt(Σ_i ‖g_i‖²)` over every gradient, before clipping. */
  readonly globalNorm: tf.Scalar;
}

/**
 * `‖g‖ = sqrt(Σ_i ‖g_i‖²)` over every gradient together. On the wasm backend each squared
 * norm is one fused pass read back as a number (free there), summed in float64; elsewhere
 * tfjs ops (no read-back). Differentiable either way: d‖g‖/dg_i = g_i / ‖g‖ (the host path
 * says so through `tf.customGrad`, since a number read back carries no gradient). Returns a
 * new scalar (the caller owns it); inputs are kept.
 */
export function globalGradientNorm(gradients: { readonly [name: string]: tf.Tensor }): tf.Scalar {
  const all = Object.values(gradients);
  const onHost = all.map((gradient) => wasmSumOfSquares(gradient));
  if (all.length > 0 && onHost.every((s) => s !== undefined)) {
    const norm = Math.sqrt(onHost.reduce((sum: number, s) => sum + (s ?? 0), 0));
    return hostNorm(norm, all);
  }
  if (all.length === 0) return tf.scalar(0);
  return tf.tidy(() => tf.sqrt(tf.addN(all.map((g) => tf.sum(tf.square(g))))) as tf.Scalar);
}

/** `norm` (already computed from `gradients`) as a scalar whose gradient is g_i / norm. */
function hostNorm(norm: number, gradients: readonly tf.Tensor[]): tf.Scalar {
  // customGrad passes the inputs and then a `save` function: the closure's tensors are the
  // inputs, so they are used directly.
  const withGradient = tf.customGrad(() => {
    const value = tf.scalar(norm);
    const gradFunc = (dy: tf.Tensor) => {
      const factor = tf.div(dy, value);
      return gradients.map((g) => tf.mul(g, factor));
    };
    return { value, gradFunc };
  });
  return withGradient(...gradients) as tf.Scalar;
}

/**
 * The clipping factor `maxNorm / max(norm, maxNorm)` for a norm already read back, as the
 * float32 number tfjs's scalar ops give (`tf.div(maxNorm, tf.maximum(norm, maxNorm))`): 1
 * exactly when `norm ≤ maxNorm`, NaN for a NaN norm. For an optimiser that scales its
 * gradients itself (`Optimizer.acceptsGradientScale` in `@bayesrnn/train`).
 */
export function clipScale(norm: number, maxNorm: number): number {
  checkMaxNorm(maxNorm, 'clipScale');
  const limit = Math.fround(maxNorm);
  const denominator = Number.isNaN(norm) ? norm : Math.max(Math.fround(norm), limit);
  return Math.fround(limit / denominator);
}

/**
 * Global-norm gradient clipping (Pascanu et al. 2013; Zaremba et al. 2014 clip at 5):
 * `g_i ← g_i · maxNorm / max(‖g‖, maxNorm)` with `‖g‖` the norm of all gradients together
 * ({@link globalGradientNorm}), so the direction is kept. A non-finite norm propagates to every
 * gradient (NaN), so the training loop's NaN guard sees it rather than a silently zeroed
 * update. On wasm, when the norm is within `maxNorm` the scale is exactly 1, so the gradients
 * are returned as clones (shared data) instead of multiplied by 1.
 *
 * Returns new tensors (the caller owns them, and the norm); inputs are not disposed.
 */
export function clipByGlobalNorm<Name extends string>(
  gradients: { readonly [K in Name]: tf.Tensor },
  maxNorm: number,
): ClippedGradients<Name> {
  checkMaxNorm(maxNorm, 'clipByGlobalNorm');
  const names = Object.keys(gradients) as Name[];
  return tf.tidy(() => {
    const norm = globalGradientNorm(gradients);
    const onHost = isWasmHeapBackend(tf.backend());
    const within = onHost && (norm.dataSync()[0] as number) <= maxNorm;
    const scale = tf.div(maxNorm, tf.maximum(norm, maxNorm));
    const clipped: Partial<Record<Name, tf.Tensor>> = {};
    for (const name of names) {
      // A norm within maxNorm scales by exactly 1 (maxNorm / maxNorm): g · 1 is g, bit for bit.
      clipped[name] = within ? tf.clone(gradients[name]) : tf.mul(gradients[name], scale);
    }
    return { gradients: clipped as { readonly [K in Name]: tf.Tensor }, globalNorm: norm };
  });
}

function checkMaxNorm(maxNorm: number, who: string): void {
  if (!(maxNorm > 0)) throw new RangeError(`${who}: maxNorm must be positive, got ${maxNorm}`);
}
