import * as tf from '@tensorflow/tfjs-core';
import { checkLogProbabilities } from './uncertainty-checks.js';

/**
 * `H = −Σ_c p_c log p_c` along the last axis, from log-probabilities of any rank `[..., C]`
 * (result `[...]`), with `0 · log 0 = 0`: a `−∞` entry (probability zero) adds nothing
 * instead of `0 · −∞ = NaN`. A NaN input stays NaN. No checks; runs in its own `tf.tidy`.
 */
export function entropyAlongLastAxis(logProbabilities: tf.Tensor): tf.Tensor {
  return tf.tidy(() => {
    const pLogP = tf.mul(tf.exp(logProbabilities), logProbabilities);
    const impossible = tf.equal(logProbabilities, Number.NEGATIVE_INFINITY);
    const terms = tf.where(impossible, tf.zerosLike(pLogP), pLogP);
    // 0 − Σ rather than −Σ, so that a certain prediction gives +0, not −0.
    return tf.sub(0, tf.sum(terms, -1));
  });
}

/**
 * The entropy of each example's predictive distribution, in nats:
 *
 * `H[p](n) = −Σ_c p(c | n) log p(c | n)`, in `[0, log C]`,
 *
 * 0 for a certain (one-hot) prediction and `log C` for a uniform one. It is the *total*
 * uncertainty; for the mean `p̄` of K posterior samples or MC-dropout passes, pass
 * `averageProbabilities(samples)` here, or use `uncertaintyDecomposition` to split it into
 * its aleatoric and epistemic parts.
 *
 * `0 · log 0 = 0`: a `−∞` log-probability adds nothing. The rows are used as given, not
 * renormalised: pass logits through `tf.logSoftmax` first.
 *
 * @param logProbabilities - float32 `[N, C]`, N examples of C classes.
 * @returns float32 `[N]`; the caller owns it and the input is not disposed.
 * @throws {Error} for another rank, a non-float32 dtype or C = 0.
 */
export function categoricalEntropy(logProbabilities: tf.Tensor): tf.Tensor1D {
  checkLogProbabilities('categoricalEntropy', 'logProbabilities', logProbabilities, ['N', 'C']);
  return entropyAlongLastAxis(logProbabilities) as tf.Tensor1D;
}
