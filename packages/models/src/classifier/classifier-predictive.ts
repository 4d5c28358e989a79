import {
  accuracy,
  brierScore,
  createNllAccumulator,
  createProbabilityAverager,
  expectedCalibrationError,
  type ProbabilityAverager,
  sumNll,
} from '@bayesrnn/metrics';
import * as tf from '@tensorflow/tfjs-core';

/** Scores of a classifier's (averaged) predictive over a split. */
export interface ClassifierScores {
  /** Test error in %, `100 − accuracy`. */
  readonly error: number;
  /** Top-1 accuracy in %. */
  readonly accuracy: number;
  /** Mean negative log-likelihood per example, nats. */
  readonly nll: number;
  /** Examples scored. */
  readonly examples: number;
  /** Mean multi-class Brier score `Σ_c (p̄_c − 1[c = y])²` per example, in [0, 2]. */
  readonly brier: number;
  /** Expected calibration error of the top class over 15 equal-width bins (Guo et al. 2017), in %. */
  readonly ece: number;
}

/**
 * The predictive distribution of every example of a split averaged over members (MC passes,
 * posterior draws, SG-MCMC samples, ensemble members) as they arrive, batch by batch:
 * `p̄(y | x) = (1/K) Σ_k p_k(y | x)`, the mean of probabilities (Gan et al. 2017, eq. 5), kept
 * as one running `log Σ_k p_k` tensor `[rows, classes]` per batch (`createProbabilityAverager`).
 */
export interface ClassifierPredictive {
  /** Adds one member's log-probabilities `[rows, classes]` of batch `index` (not disposed). */
  add(index: number, logProbabilities: tf.Tensor2D, labels: Int32Array): void;
  /** Error, accuracy and NLL of the average over the members so far. */
  score(): Promise<ClassifierScores>;
  /** Frees the running sums. */
  dispose(): void;
}

/** An empty {@link ClassifierPredictive}; the caller disposes it. */
export function createClassifierPredictive(): ClassifierPredictive {
  const batches = new Map<number, { averager: ProbabilityAverager; labels: Int32Array }>();
  return {
    add(index, logProbabilities, labels) {
      let entry = batches.get(index);
      if (entry === undefined) {
        entry = { averager: createProbabilityAverager(), labels };
        batches.set(index, entry);
      }
      entry.averager.add(logProbabilities);
    },
    async score() {
      const nll = createNllAccumulator();
      let correct = 0;
      let brier = 0;
      const logMeans: tf.Tensor2D[] = [];
      try {
        for (const { averager, labels } of batches.values()) {
          const logMean = averager.logMean() as tf.Tensor2D;
          logMeans.push(logMean);
          const scores = tf.tidy(() => {
            const targets = tf.tensor1d(labels, 'int32');
            // Labels were checked against the classes when the batch was run.
            const options = { from: 'logProbabilities', checkTargets: false } as const;
            return tf.stack([
              sumNll(logMean, targets, options),
              accuracy(logMean, targets, options),
              brierScore(logMean, targets, { checkLabels: false }),
            ]);
          });
          const [batchNll = Number.NaN, batchAccuracy = Number.NaN, batchBrier = Number.NaN] =
            await scores.data();
          scores.dispose();
          nll.add(batchNll, labels.length);
          correct += Math.round(batchAccuracy * labels.length);
          brier += batchBrier * labels.length;
        }
        if (nll.count === 0) throw new Error('classifier evaluation: the split has no example');
        const examples = nll.count;
        const all = tf.concat(logMeans, 0);
        const labels = tf.tensor1d(
          Int32Array.from([...batches.values()].flatMap((entry) => [...entry.labels])),
          'int32',
        );
        const calibration = await expectedCalibrationError(all, labels).finally(() =>
          tf.dispose([all, labels]),
        );
        return {
          error: (100 * (examples - correct)) / examples,
          accuracy: (100 * correct) / examples,
          nll: nll.meanNll(),
          examples,
          brier: brier / examples,
          ece: 100 * calibration.ece,
        };
      } finally {
        tf.dispose(logMeans);
      }
    },
    dispose() {
      for (const { averager } of batches.values()) averager.dispose();
      batches.clear();
    },
  };
}
