import { tokenNll } from '@bayesrnn/metrics';
import type { Weights } from '@bayesrnn/spec';
import * as tf from '@tensorflow/tfjs-core';
import type { LanguageModel, LmState } from './language-model.js';
import type { LmWindow } from './lm-window.js';

/** A window's token ids and where it starts, for {@link windowDataLoss}. */
export interface WindowData {
  /** `[batchSize, steps]` input ids. */
  readonly inputIds: tf.Tensor2D;
  /** `[batchSize · steps]` target ids (checked when the corpus was encoded). */
  readonly targetIds: tf.Tensor1D;
  readonly steps: number;
  /** The state the window starts from. */
  readonly start: LmState;
  readonly window: LmWindow;
}

/** The mean NLL per token of `logits` `[batchSize · steps, vocabSize]` against the targets. */
export function meanTokenNll(logits: tf.Tensor2D, targetIds: tf.Tensor1D): tf.Scalar {
  return tf.mean(tokenNll(logits, targetIds, { checkTargets: false })) as tf.Scalar;
}

/**
 * A window's data term at `weights`: the NLL summed over its steps and averaged over the batch
 * (Zaremba et al. 2014's scale, the training task's). Posterior sharpening differentiates it
 * for g_φ, in training and in the sharpened perplexity bound alike, so η meets the gradient
 * scale it was learned with. A scalar the caller owns.
 */
export function windowDataLoss(
  model: LanguageModel,
  weights: Weights,
  data: WindowData,
): tf.Scalar {
  return tf.tidy(() => {
    const { logits } = model.forward(weights, data.inputIds, data.start, data.window);
    return tf.mul(meanTokenNll(logits, data.targetIds), data.steps) as tf.Scalar;
  });
}
