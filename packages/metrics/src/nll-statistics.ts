import * as tf from '@tensorflow/tfjs-core';
import { type NllOptions, tokenNllFor } from './nll.js';

/** One batch's totals, as numbers ready for an accumulator. */
export interface NllStatistics {
  /** Summed NLL over the batch's targets, in nats. */
  readonly sumNll: number;
  /** Number of targets. */
  readonly count: number;
  /** Targets whose highest score was the right one (top-1). */
  readonly correct: number;
}

/**
 * Reads one batch's summed NLL, target count and top-1 hits back as numbers, leaving no
 * tensors behind: the step of an evaluation loop,
 * `const s = await nllStatistics(logits, targets); accumulator.add(s.sumNll, s.count)`.
 * Shapes as in `tokenNll` (`[batchSize, steps, vocabSize]` logits, `[batchSize, steps]` ids).
 */
export async function nllStatistics(
  scores: tf.Tensor,
  targets: tf.Tensor,
  options: NllOptions = {},
): Promise<NllStatistics> {
  const totals = tf.tidy(() =>
    tf.stack([
      tf.sum(tokenNllFor('nllStatistics', scores, targets, options)),
      tf.sum(tf.cast(tf.equal(tf.argMax(scores, -1), targets), 'float32')),
    ]),
  );
  try {
    const [sumNll = Number.NaN, correct = Number.NaN] = await totals.data();
    return { sumNll, count: targets.size, correct: Math.round(correct) };
  } finally {
    totals.dispose();
  }
}
