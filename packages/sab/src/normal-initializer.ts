import { randomNormal } from '@bayesrnn/core';
import type { Initializer } from '@bayesrnn/spec';

/**
 * Gaussian N(0, stddev²) from the weight's key (`@bayesrnn/core` has uniform, Glorot,
 * orthogonal, zeros and constant, but no normal initialiser). SAB's attention kernel uses
 * stddev 0.01, as the official code (`normal(torch.Tensor(2H, 1), mean=0, std=0.01)`).
 *
 * @throws RangeError unless `stddev` is positive and finite.
 */
export function normalInitializer(stddev: number): Initializer {
  if (!(stddev > 0 && Number.isFinite(stddev))) {
    throw new RangeError(`normalInitializer: stddev must be positive and finite, got ${stddev}`);
  }
  return (key, shape) => randomNormal(key, shape, { stddev });
}
