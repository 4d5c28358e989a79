import * as tf from '@tensorflow/tfjs-core';

/**
 * A tensor as the packages' fixture scripts (`scripts/make-*-fixtures.py`) store it in JSON:
 * row-major numbers and a shape.
 */
export interface EncodedTensor {
  readonly shape: readonly number[];
  readonly data: readonly number[];
}

/** A float32 tensor from an encoded fixture tensor. The caller owns it. */
export function decode(encoded: EncodedTensor): tf.Tensor {
  return tf.tensor([...encoded.data], [...encoded.shape], 'float32');
}

/** Decodes every entry of a record of encoded tensors. The caller owns them. */
export function decodeAll<Name extends string>(
  record: { readonly [K in Name]: EncodedTensor },
): Record<Name, tf.Tensor> {
  const names = Object.keys(record) as Name[];
  return Object.fromEntries(names.map((name) => [name, decode(record[name])])) as Record<
    Name,
    tf.Tensor
  >;
}
