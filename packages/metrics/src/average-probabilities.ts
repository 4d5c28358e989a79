import * as tf from '@tensorflow/tfjs-core';

/**
 * `log(exp(a) + exp(b))` element-wise, computed stably: the larger operand is factored out, so
 * nothing overflows, and where both are `−∞` (probability zero) the result is `−∞`, not NaN.
 * The caller owns the result.
 */
export function logAddExp(a: tf.Tensor, b: tf.Tensor): tf.Tensor {
  return tf.tidy(() => {
    const high = tf.maximum(a, b);
    // An infinite maximum would give ∞ − ∞ = NaN below; shift by 0 there instead.
    const shift = tf.where(tf.isFinite(high), high, tf.zerosLike(high));
    const sum = tf.add(tf.exp(tf.sub(a, shift)), tf.exp(tf.sub(b, shift)));
    return tf.add(shift, tf.log(sum));
  });
}

/** `log Σ exp(x)` along axis 0 with the same guards as {@link logAddExp}. */
function logSumExpFirstAxis(stacked: tf.Tensor): tf.Tensor {
  const high = tf.max(stacked, 0);
  const shift = tf.where(tf.isFinite(high), high, tf.zerosLike(high));
  return tf.add(shift, tf.log(tf.sum(tf.exp(tf.sub(stacked, shift)), 0)));
}

function checkSameShapes(who: string, tensors: readonly tf.Tensor[]): void {
  const first = tensors[0];
  if (first === undefined) throw new Error(`${who}: no log-probability tensors given`);
  for (const [index, tensor] of tensors.entries()) {
    if (tensor.shape.join(',') !== first.shape.join(',')) {
      throw new Error(
        `${who}: tensor ${index} has shape [${tensor.shape.join(', ')}], tensor 0 [${first.shape.join(', ')}]`,
      );
    }
  }
}

/**
 * The log of the mean of K predictive distributions, `log((1/K) Σ_k p_k)`, from their
 * log-probabilities: `logSumExp_k(log p_k) − log K`, computed stably. This is the MC
 * (dropout, posterior or SG-MCMC sample) average of Gal & Ghahramani 2016, Fortunato et al.
 * 2017 and Gan et al. 2017 — the mean of the *probabilities*. It is not the mean of the
 * log-probabilities, which is a geometric mean, lower by Jensen's inequality, and gives a
 * worse perplexity. Each input `[..., vocabSize]`, same shapes; result the same shape.
 * The caller owns the result; the inputs are not disposed.
 *
 * @example const logMean = averageProbabilities(samples.map((s) => tf.logSoftmax(s)));
 */
export function averageProbabilities(logProbabilities: readonly tf.Tensor[]): tf.Tensor {
  checkSameShapes('averageProbabilities', logProbabilities);
  return tf.tidy(() =>
    tf.sub(
      logSumExpFirstAxis(tf.stack([...logProbabilities])),
      tf.scalar(Math.log(logProbabilities.length)),
    ),
  );
}

/**
 * A running {@link averageProbabilities} for MC evaluation with many passes: it keeps one
 * tensor, the running `log Σ_k p_k`, instead of all K predictions. Owns that tensor (kept out
 * of any enclosing `tf.tidy`); call `dispose()` when done.
 */
export interface ProbabilityAverager {
  /** Adds one pass's log-probabilities (not disposed); all passes must have one shape. */
  add(logProbabilities: tf.Tensor): void;
  /** Passes added so far. */
  readonly count: number;
  /** `log((1/K) Σ_k p_k)`, a new tensor the caller owns. @throws {Error} before any `add`. */
  logMean(): tf.Tensor;
  /** Frees the running sum; the averager is empty again. */
  dispose(): void;
}

/** Creates an empty {@link ProbabilityAverager}. */
export function createProbabilityAverager(): ProbabilityAverager {
  let running: tf.Tensor | undefined;
  let count = 0;
  return {
    add(logProbabilities) {
      if (running !== undefined)
        checkSameShapes('ProbabilityAverager.add', [running, logProbabilities]);
      const previous = running;
      const next =
        previous === undefined ? tf.clone(logProbabilities) : logAddExp(previous, logProbabilities);
      running = tf.keep(next);
      previous?.dispose();
      count += 1;
    },
    get count() {
      return count;
    },
    logMean() {
      const sum = running;
      if (sum === undefined) throw new Error('ProbabilityAverager.logMean: nothing added yet');
      return tf.tidy(() => tf.sub(sum, tf.scalar(Math.log(count))));
    },
    dispose() {
      running?.dispose();
      running = undefined;
      count = 0;
    },
  };
}
