import type { Draw } from '@bayesrnn/spec';
import * as tf from '@tensorflow/tfjs-core';

/** `tf.tidy` for a function returning a `Draw`: keeps its weights and KL terms, frees the rest. */
export function tidyDraw<Name extends string>(fn: () => Draw<Name>): Draw<Name> {
  // A Draw is a container of tensors; tfjs's TensorContainer type lacks its index signature.
  return tf.tidy(fn as unknown as () => tf.TensorContainer) as unknown as Draw<Name>;
}
