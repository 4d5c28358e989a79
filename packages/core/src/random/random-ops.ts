import type { RngKey } from '@bayesrnn/spec';
import * as tf from '@tensorflow/tfjs-core';
import { tensorFilledInPlace } from '../backend/wasm-heap.js';
import { fillStandardNormalInHeap } from './noise-kernel.js';
import { fillStandardNormalBlocks } from './normal-blocks.js';
import { wordStream } from './xoshiro128.js';

function elementCount(shape: readonly number[], where: string): number {
  let count = 1;
  for (const size of shape) {
    if (!Number.isInteger(size) || size < 0) {
      throw new RangeError(`${where}: shape must hold non-negative integers, got [${shape}]`);
    }
    count *= size;
  }
  return count;
}

/**
 * `count` N(0, 1) draws from a key, as a plain array: the numbers {@link randomNormal} puts in
 * a tensor of that many elements (row-major). For kernels that use the noise in JavaScript
 * without making a tensor of it (the fused posterior draw).
 */
export function standardNormalArray(key: RngKey, count: number): Float32Array {
  return fillStandardNormalArray(key, new Float32Array(count));
}

/**
 * Fills `out` with the N(0, 1) draws of `key`: the numbers {@link standardNormalArray} returns,
 * drawn in independent blocks of `NORMAL_BLOCK` elements (`normal-blocks.ts`) by a C kernel
 * (`wasm/normal.c`): straight into `out` when it is a view of the wasm backend's heap (a
 * tensor's or a kernel output's memory), its blocks split over the helper threads; else on a
 * memory of its own, copied out (in JavaScript where WebAssembly SIMD is missing).
 */
export function fillStandardNormalArray(key: RngKey, out: Float32Array): Float32Array {
  if (!fillStandardNormalInHeap(key, out)) fillStandardNormalBlocks(key, out);
  return out;
}

/**
 * Standard-normal (or `N(mean, stddev²)`) samples from a key. Same key → same tensor, on every
 * backend (xoshiro128** and the Box–Muller transform, by a C kernel: on wasm straight into the
 * new tensor's memory, elsewhere into an array uploaded once; the same numbers).
 *
 * @param shape - any shape, e.g. `[inputSize, hiddenSize]`.
 */
export function randomNormal(
  key: RngKey,
  shape: readonly number[],
  options: { readonly mean?: number; readonly stddev?: number } = {},
): tf.Tensor {
  elementCount(shape, 'randomNormal');
  const mean = options.mean ?? 0;
  const stddev = options.stddev ?? 1;
  return tensorFilledInPlace(shape, (values) => {
    fillStandardNormalArray(key, values);
    if (mean !== 0 || stddev !== 1) {
      for (let i = 0; i < values.length; i += 1) values[i] = mean + stddev * (values[i] as number);
    }
  });
}

/** Uniform samples in `[min, max)` from a key. */
export function randomUniform(key: RngKey, shape: readonly number[], min = 0, max = 1): tf.Tensor {
  if (!(max > min)) {
    throw new RangeError(`randomUniform: need min < max, got [${min}, ${max})`);
  }
  const stream = wordStream(key);
  const values = new Float32Array(elementCount(shape, 'randomUniform'));
  const width = max - min;
  // Rounding to float32 can land on `max` itself; the largest float32 below it replaces it.
  const below = largestFloat32Below(max);
  for (let i = 0; i < values.length; i += 1) {
    const value = Math.fround(min + width * stream.nextUnit());
    values[i] = value < max ? value : below;
  }
  return tf.tensor(values, [...shape], 'float32');
}

/** The largest float32 strictly below `value` (the top of a half-open float32 range). */
function largestFloat32Below(value: number): number {
  const rounded = Math.fround(value);
  if (rounded < value) return rounded;
  if (rounded === 0) return -(2 ** -149);
  // Adjacent float32s of one sign have adjacent bit patterns: step the pattern toward zero
  // for a positive value, away from it for a negative one.
  const bits = new Int32Array(new Float32Array([rounded]).buffer);
  bits[0] = (bits[0] as number) + (rounded > 0 ? -1 : 1);
  return new Float32Array(bits.buffer)[0] as number;
}

/**
 * A 0/1 float mask with `P(1) = keepProbability` (dropout keeps with that probability, to
 * 2^−24). The inverted-dropout scale `1 / keepProbability` is the caller's choice, not applied
 * here.
 */
export function bernoulliMask(
  key: RngKey,
  shape: readonly number[],
  keepProbability: number,
): tf.Tensor {
  if (!(keepProbability >= 0 && keepProbability <= 1)) {
    throw new RangeError(
      `bernoulliMask: keepProbability must be in [0, 1], got ${keepProbability}`,
    );
  }
  const stream = wordStream(key);
  const values = new Float32Array(elementCount(shape, 'bernoulliMask'));
  for (let i = 0; i < values.length; i += 1) {
    values[i] = stream.nextUnit() < keepProbability ? 1 : 0;
  }
  return tf.tensor(values, [...shape], 'float32');
}
