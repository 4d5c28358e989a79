import * as tf from '@tensorflow/tfjs-core';
import { checkLabelRange, checkLabels, checkLogProbabilities } from './uncertainty-checks.js';

/** Options of {@link expectedCalibrationError}. */
export interface CalibrationOptions {
  /** Number of equal-width confidence bins over [0, 1], an integer ≥ 1 (default 15). */
  readonly bins?: number;
}

/** One confidence bin of {@link expectedCalibrationError}: a bar of a reliability diagram. */
export interface CalibrationBin {
  /** The bin's edges: it holds the confidences in `(lower, upper]` (`[0, upper]` for the first). */
  readonly lower: number;
  readonly upper: number;
  /** Examples whose confidence falls in the bin, `n_b`. */
  readonly count: number;
  /** Their mean confidence `conf_b` (NaN for an empty bin). */
  readonly confidence: number;
  /** The fraction of them predicted right, `acc_b` (NaN for an empty bin). */
  readonly accuracy: number;
}

/** What {@link expectedCalibrationError} reads back: the ECE and the bins it sums over. */
export interface CalibrationReport {
  /** `Σ_b (n_b / N) |acc_b − conf_b|`, in [0, 1]. */
  readonly ece: number;
  /** All bins in increasing confidence, empty ones included. */
  readonly bins: readonly CalibrationBin[];
}

/**
 * The expected calibration error of Guo et al. 2017 (§2; Naeini et al. 2015): the gap between
 * confidence and accuracy, averaged over equal-width confidence bins weighted by their size,
 *
 * `ECE = Σ_b (n_b / N) |acc_b − conf_b|`, in [0, 1],
 *
 * with, for each example, the confidence `max_c p(c | n)` and the prediction
 * `argmax_c p(c | n)` (ties to the lowest class, as `accuracy`), and for bin b its size `n_b`,
 * mean confidence `conf_b` and accuracy `acc_b`. Bins follow Guo et al.'s
 * `I_b = ((b − 1)/B, b/B]`: right-closed, so a confidence on an edge goes to the lower bin and
 * 1 to the last; the first bin is `[0, 1/B]`, closed on both sides. The edge test is exact: a
 * float32 confidence `x` goes to bin `⌈x·B⌉` (1-based), the product being exact in float64.
 * ECE depends on B (15 by default, as Guo et al.); compare models at one B.
 *
 * The confidence, hit and label of each example are read back in one transfer (3N floats) and
 * binned on the host in float64; no tensor is left behind.
 *
 * @param logProbabilities - float32 `[N, C]`, rows normalised (`tf.logSoftmax` of logits).
 * @param labels - int32 `[N]`, in `[0, C)`.
 * @returns the ECE and the bins (with their edges, for a reliability diagram).
 * @throws {Error} (the promise rejects) for wrong ranks, shapes or dtypes, or N = 0;
 *   {RangeError} for `bins` not an integer ≥ 1, labels outside `[0, C)` or a NaN confidence.
 */
export async function expectedCalibrationError(
  logProbabilities: tf.Tensor,
  labels: tf.Tensor,
  options: CalibrationOptions = {},
): Promise<CalibrationReport> {
  const who = 'expectedCalibrationError';
  checkLogProbabilities(who, 'logProbabilities', logProbabilities, ['N', 'C']);
  checkLabels(who, logProbabilities, labels);
  const binCount = options.bins ?? 15;
  if (!Number.isInteger(binCount) || binCount < 1) {
    throw new RangeError(`${who}: bins must be an integer ≥ 1, got ${binCount}`);
  }
  const readBack = tf.tidy(() =>
    tf.stack([
      tf.exp(tf.max(logProbabilities, 1)),
      tf.cast(tf.equal(tf.argMax(logProbabilities, 1), labels), 'float32'),
      tf.cast(labels, 'float32'),
    ]),
  );
  let values: Float32Array;
  try {
    values = (await readBack.data()) as Float32Array;
  } finally {
    readBack.dispose();
  }
  return binConfidences(who, values, labels.size, logProbabilities.shape[1] ?? 0, binCount);
}

/** Bins `[confidence ‖ hit ‖ label]` (N each) into `binCount` bins; checks labels and NaN. */
function binConfidences(
  who: string,
  values: Float32Array,
  examples: number,
  classes: number,
  binCount: number,
): CalibrationReport {
  let low = Number.POSITIVE_INFINITY;
  let high = Number.NEGATIVE_INFINITY;
  for (const label of values.subarray(2 * examples)) {
    low = Math.min(low, label);
    high = Math.max(high, label);
  }
  checkLabelRange(who, low, high, classes);
  const counts = new Array<number>(binCount).fill(0);
  const confidenceSums = new Array<number>(binCount).fill(0);
  const hits = new Array<number>(binCount).fill(0);
  for (let n = 0; n < examples; n += 1) {
    const confidence = values[n] ?? Number.NaN;
    if (Number.isNaN(confidence)) {
      throw new RangeError(`${who}: the confidence of example ${n} is NaN`);
    }
    // Right-closed bins: (b/B, (b+1)/B] is bin b (0-based); 0 joins bin 0, and a confidence
    // a rounding above 1 joins the last bin.
    const bin = Math.min(binCount - 1, Math.max(0, Math.ceil(confidence * binCount) - 1));
    counts[bin] = (counts[bin] ?? 0) + 1;
    confidenceSums[bin] = (confidenceSums[bin] ?? 0) + confidence;
    hits[bin] = (hits[bin] ?? 0) + (values[examples + n] ?? 0);
  }
  let ece = 0;
  const bins = counts.map((count, b): CalibrationBin => {
    const confidence = count === 0 ? Number.NaN : (confidenceSums[b] ?? 0) / count;
    const accuracy = count === 0 ? Number.NaN : (hits[b] ?? 0) / count;
    if (count > 0) ece += (count / examples) * Math.abs(accuracy - confidence);
    return { lower: b / binCount, upper: (b + 1) / binCount, count, confidence, accuracy };
  });
  return { ece, bins };
}
