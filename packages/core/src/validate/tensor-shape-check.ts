import type { Tensor } from '@tensorflow/tfjs-core';

/** `[3, 5]`, as the shape checks print it. */
export function formatTensorShape(shape: readonly number[]): string {
  return `[${shape.join(', ')}]`;
}

/**
 * Step-time check of one tensor's shape against what a component expects. It reads shapes
 * only, so it costs nothing next to a step's matrix products, and a wrong input fails with the
 * component's name instead of deep inside a tfjs kernel.
 *
 * @param owner - the component, e.g. `'LSTM cell'` or `'DNC memory'`.
 * @param what - the argument, e.g. `'input'`, `'state.usage'`.
 * @param expected - the expected shape.
 * @throws Error `DNC memory: state.usage must have shape [2, 16], got [2, 8]`.
 */
export function checkShape(
  owner: string,
  what: string,
  tensor: Tensor,
  expected: readonly number[],
): void {
  const { shape } = tensor;
  if (shape.length !== expected.length || shape.some((size, i) => size !== expected[i])) {
    throw new Error(
      `${owner}: ${what} must have shape ${formatTensorShape(expected)}, got ${formatTensorShape(shape)}`,
    );
  }
}
