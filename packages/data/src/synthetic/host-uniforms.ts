import { randomUniform } from '@bayesrnn/core';
import type { RngKey } from '@bayesrnn/spec';
import * as tf from '@tensorflow/tfjs-core';

export type { RngKey };

/**
 * `count` uniform draws in `[0, 1)` from a key, as a host array: the values of
 * `randomUniform(key, [count])` read back. core draws them on the host (xoshiro128**, 24
 * random bits, exact in float32) and uploads them, so reading them back returns exactly the
 * same numbers on every backend: same key → same synthetic data everywhere.
 */
export function hostUniforms(key: RngKey, count: number): Float32Array {
  if (count === 0) return new Float32Array(0);
  return tf.tidy(() => Float32Array.from(randomUniform(key, [count]).dataSync()));
}

/** A uniform integer in `{0, …, size − 1}` from a draw `u ∈ [0, 1)` (bias below 2^−24·size). */
export function uniformIndex(draw: number, size: number): number {
  return Math.min(size - 1, Math.floor(draw * size));
}
