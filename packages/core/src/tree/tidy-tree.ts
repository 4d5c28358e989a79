import * as tf from '@tensorflow/tfjs-core';

/**
 * `tf.tidy` for functions that return tensor trees (readonly records and lists) or records
 * mixing trees and plain numbers: every tensor in the result is kept, every other intermediate
 * is disposed. tfjs's `TensorContainer` type has no readonly arrays, so `tf.tidy` rejects
 * `TensorTree`s at compile time although it walks them the same at run time.
 */
export function tidyTree<T>(fn: () => T): T {
  return tf.tidy(fn as () => tf.TensorContainer) as T;
}
