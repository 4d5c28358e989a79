import * as tf from '@tensorflow/tfjs-core';
import { type NllOptions, tokenNllFor } from './nll.js';

/**
 * Perplexity of one batch, `exp(mean NLL)`, a scalar. Over many windows, do not average
 * these: add NLL sums and token counts with `createNllAccumulator` and take
 * `exp(total NLL / tokens)` (papers.md §0.2). Shapes as in `tokenNll`.
 */
export function perplexity(
  scores: tf.Tensor,
  targets: tf.Tensor,
  options: NllOptions = {},
): tf.Scalar {
  return tf.tidy(() =>
    tf.exp(tf.mean<tf.Scalar>(tokenNllFor('perplexity', scores, targets, options))),
  );
}

/**
 * Bits per character of one batch: mean NLL in nats / ln 2 (papers.md §0.3), a scalar.
 * Shapes as in `tokenNll`.
 */
export function bitsPerCharacter(
  scores: tf.Tensor,
  targets: tf.Tensor,
  options: NllOptions = {},
): tf.Scalar {
  return tf.tidy(() =>
    tf.div(
      tf.mean<tf.Scalar>(tokenNllFor('bitsPerCharacter', scores, targets, options)),
      tf.scalar(Math.LN2),
    ),
  );
}
