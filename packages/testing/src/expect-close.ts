import * as tf from '@tensorflow/tfjs-core';
import { TOLERANCES, type Tolerance } from './tolerances.js';

type Values = tf.Tensor | number | ArrayLike<number>;

function read(values: Values): { data: ArrayLike<number>; shape: readonly number[] | undefined } {
  if (values instanceof tf.Tensor) return { data: values.dataSync(), shape: values.shape };
  if (typeof values === 'number') return { data: [values], shape: undefined };
  return { data: values, shape: undefined };
}

/**
 * Throws unless every element is close (`|a − e| ≤ atol + rtol·|e|`, NaN only where NaN is
 * expected), naming the worst element. Shapes must match when both sides are tensors.
 */
export function expectClose(
  actual: Values,
  expected: Values,
  tolerance: Tolerance = TOLERANCES.float32,
  label = 'value',
): void {
  const a = read(actual);
  const e = read(expected);
  if (a.shape && e.shape && a.shape.join(',') !== e.shape.join(',')) {
    throw new Error(
      `${label}: shape [${a.shape.join(', ')}] differs from expected [${e.shape.join(', ')}]`,
    );
  }
  if (a.data.length !== e.data.length) {
    throw new Error(`${label}: ${a.data.length} elements, expected ${e.data.length}`);
  }
  let worst = { index: -1, excess: 0 };
  for (let i = 0; i < a.data.length; i += 1) {
    const x = a.data[i] ?? Number.NaN;
    const y = e.data[i] ?? Number.NaN;
    if (Number.isNaN(x) && Number.isNaN(y)) continue;
    const excess = Math.abs(x - y) - (tolerance.atol + tolerance.rtol * Math.abs(y));
    if (!(excess <= 0) && (worst.index < 0 || !(excess <= worst.excess)))
      worst = { index: i, excess };
  }
  if (worst.index >= 0) {
    const x = a.data[worst.index];
    const y = e.data[worst.index];
    throw new Error(
      `${label}: element ${worst.index} is ${x}, expected ${y} (rtol ${tolerance.rtol}, atol ${tolerance.atol})`,
    );
  }
}
