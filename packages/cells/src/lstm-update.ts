import * as tf from '@tensorflow/tfjs-core';
import type { LstmState } from './lstm-cell.js';

/** The gates' equations given their pre-activations `[batchSize, hiddenSize]` each. */
export function lstmUpdate(
  i: tf.Tensor2D,
  f: tf.Tensor2D,
  g: tf.Tensor2D,
  o: tf.Tensor2D,
  previousC: tf.Tensor2D,
): LstmState {
  // c_t = σ(f) ⊙ c_{t−1} + σ(i) ⊙ tanh(g): c is carried unmasked (papers.md §3.5.4).
  const c = tf.add(
    tf.mul(tf.sigmoid(f), previousC),
    tf.mul(tf.sigmoid(i), tf.tanh(g)),
  ) as tf.Tensor2D;
  // h_t = σ(o) ⊙ tanh(c_t).
  const h = tf.mul(tf.sigmoid(o), tf.tanh(c)) as tf.Tensor2D;
  return { h, c };
}
