import type { Initializer } from '@bayesrnn/spec';
import * as tf from '@tensorflow/tfjs-core';
import { randomUniform } from '../random/random-ops.js';

/** All zeros (biases, the usual default). */
export function zeros(): Initializer {
  return (_key, shape) => tf.zeros([...shape]);
}

/** Every entry `value` (e.g. the LSTM forget-gate bias of 1, Jozefowicz et al. 2015). */
export function constant(value: number): Initializer {
  if (!Number.isFinite(value)) {
    throw new RangeError(`constant: value must be finite, got ${value}`);
  }
  return (_key, shape) => tf.fill([...shape], value);
}

/**
 * Uniform in `[-scale, scale]`: Zaremba et al. (2014) initialise every PTB LSTM weight with
 * scale 0.1 (small), 0.05 (medium) or 0.04 (large).
 */
export function uniform(scale: number): Initializer {
  if (!(scale > 0)) {
    throw new RangeError(`uniform: scale must be positive, got ${scale}`);
  }
  return (key, shape) => randomUniform(key, shape, -scale, scale);
}

/**
 * Fan-in and fan-out as Keras computes them: a matrix `[fanIn, fanOut]`; for rank > 2 the
 * leading dimensions are a receptive field; vectors and scalars use their size for both.
 */
export function fans(shape: readonly number[]): { fanIn: number; fanOut: number } {
  if (shape.length < 2) {
    const size = shape[0] ?? 1;
    return { fanIn: size, fanOut: size };
  }
  const receptive = shape.slice(0, -2).reduce((a, b) => a * b, 1);
  const fanIn = (shape[shape.length - 2] ?? 1) * receptive;
  const fanOut = (shape[shape.length - 1] ?? 1) * receptive;
  return { fanIn, fanOut };
}

/**
 * Glorot (Xavier) uniform: `U(-l, l)` with `l = gain · sqrt(6 / (fanIn + fanOut))`
 * (Glorot & Bengio 2010, eq. 16).
 */
export function glorotUniform(gain = 1): Initializer {
  return (key, shape) => {
    const { fanIn, fanOut } = fans(shape);
    const limit = gain * Math.sqrt(6 / Math.max(1, fanIn + fanOut));
    return randomUniform(key, shape, -limit, limit);
  };
}
