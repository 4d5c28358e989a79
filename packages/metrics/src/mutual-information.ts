import * as tf from '@tensorflow/tfjs-core';
import { averageProbabilities } from './average-probabilities.js';
import { entropyAlongLastAxis } from './categorical-entropy.js';
import { checkLogProbabilities } from './uncertainty-checks.js';

/**
 * The three per-example uncertainties of {@link uncertaintyDecomposition}, in nats, `[N]`. A
 * type rather than an interface, so that `tf.dispose(decomposition)` accepts it.
 */
export type UncertaintyDecomposition = {
  /** `H[p̄]`: the entropy of the predictive (the mean of the K distributions). */
  readonly total: tf.Tensor1D;
  /** `(1/K) Σ_k H[p_k]`: the expected entropy, the noise every sample sees (aleatoric). */
  readonly aleatoric: tf.Tensor1D;
  /** `max(0, total − aleatoric)`: the mutual information, disagreement between samples. */
  readonly epistemic: tf.Tensor1D;
};

function checkSamples(who: string, sampleLogProbabilities: tf.Tensor): void {
  checkLogProbabilities(who, 'sampleLogProbabilities', sampleLogProbabilities, ['K', 'N', 'C']);
  if (sampleLogProbabilities.shape[0] === 0) {
    throw new Error(
      `${who}: sampleLogProbabilities [${sampleLogProbabilities.shape.join(', ')}] has no samples (K = 0)`,
    );
  }
}

/**
 * Splits each example's predictive entropy over K posterior samples or MC passes into its
 * aleatoric and epistemic parts (Depeweg et al. 2018; Smith & Gal 2018), in nats:
 *
 * - `total = H[p̄]`, with `p̄ = (1/K) Σ_k p_k` the mean of the *probabilities*
 *   (`averageProbabilities`), in `[0, log C]`;
 * - `aleatoric = (1/K) Σ_k H[p_k]`, the expected entropy;
 * - `epistemic = I[y; θ | x] = H[p̄] − (1/K) Σ_k H[p_k]`, the mutual information between the
 *   label and the weights (BALD, Houlsby et al. 2011), in `[0, log C]`: 0 when all samples
 *   agree, whatever their entropy; `log C` when each sample is certain of a different class.
 *
 * `total = aleatoric + epistemic`, up to rounding: the mutual information is ≥ 0 (Jensen: the
 * entropy is concave), but the float32 difference of two close entropies can come out a few
 * ulps below 0; such values are clamped to 0 (a NaN stays NaN).
 *
 * @param sampleLogProbabilities - float32 `[K, N, C]`: K samples' log-probabilities of N
 *   examples of C classes, each row normalised (`tf.logSoftmax` of logits).
 * @returns three float32 `[N]` tensors that the caller owns (`tf.dispose(result)` frees all);
 *   the input is not disposed.
 * @throws {Error} for another rank, a non-float32 dtype, K = 0 or C = 0.
 */
export function uncertaintyDecomposition(
  sampleLogProbabilities: tf.Tensor,
): UncertaintyDecomposition {
  checkSamples('uncertaintyDecomposition', sampleLogProbabilities);
  return decompose(sampleLogProbabilities);
}

function decompose(sampleLogProbabilities: tf.Tensor): UncertaintyDecomposition {
  const parts = tf.tidy(() => {
    const total = entropyAlongLastAxis(averageProbabilities(tf.unstack(sampleLogProbabilities)));
    const aleatoric = tf.mean(entropyAlongLastAxis(sampleLogProbabilities), 0);
    const epistemic = tf.maximum(tf.sub(total, aleatoric), 0);
    return { total, aleatoric, epistemic };
  });
  return parts as UncertaintyDecomposition;
}

/**
 * The mutual information between each example's label and the model's weights, estimated
 * from K posterior samples or MC-dropout passes: BALD's score (Houlsby et al. 2011; Gal et al.
 * 2017), the epistemic part of the predictive entropy, in nats:
 *
 * `I(n) = H[p̄](n) − (1/K) Σ_k H[p_k](n)`, with `p̄ = (1/K) Σ_k p_k` (mean of probabilities),
 *
 * in `[0, log C]`. Tiny negative values from float32 rounding are clamped to 0. The
 * decomposition `H[p̄] = (1/K) Σ_k H[p_k] + I` (total = aleatoric + epistemic) is
 * {@link uncertaintyDecomposition}, which returns all three for the cost of this one.
 *
 * @param sampleLogProbabilities - float32 `[K, N, C]`, each row normalised.
 * @returns float32 `[N]`; the caller owns it and the input is not disposed.
 * @throws {Error} for another rank, a non-float32 dtype, K = 0 or C = 0.
 */
export function mutualInformation(sampleLogProbabilities: tf.Tensor): tf.Tensor1D {
  checkSamples('mutualInformation', sampleLogProbabilities);
  return tf.tidy(() => decompose(sampleLogProbabilities).epistemic);
}
