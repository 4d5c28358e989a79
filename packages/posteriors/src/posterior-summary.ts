import * as tf from '@tensorflow/tfjs-core';
import type { GaussianPosterior } from './gaussian-posterior.js';
import { etaVariableName, type SharpenedPosterior } from './sharpened-posterior.js';

/** The spread of one quantity over a weight's elements. */
export interface Spread {
  readonly mean: number;
  /** 5th percentile (linear interpolation between order statistics, numpy's default). */
  readonly p5: number;
  readonly median: number;
  readonly p95: number;
}

/** What a trained posterior learned for one Bayesian weight. */
export interface WeightPosteriorSummary {
  readonly name: string;
  /** Elements of the weight. */
  readonly size: number;
  /** `|μ|` over the elements. */
  readonly absMu: Spread;
  /** `σ = softplus(ρ) + floor`. */
  readonly sigma: Spread;
  /** `|μ| / σ`, the ranking of signal-to-noise pruning. */
  readonly signalToNoise: Spread;
  /** A sharpened weight's learned η (Fortunato et al. 2017 eq. 7: θ ~ N(φ − η ⊙ g_φ, σ0²)). */
  readonly eta?: Spread;
}

/**
 * The `q`-quantile of ascending `sorted` by linear interpolation between order statistics
 * (Hyndman and Fan's type 7, numpy's and R's default): position `q (n − 1)`.
 */
export function sortedQuantile(sorted: ArrayLike<number>, q: number): number {
  if (sorted.length === 0) throw new RangeError('sortedQuantile: no values');
  if (!(q >= 0 && q <= 1)) throw new RangeError(`sortedQuantile: q must be in [0, 1], got ${q}`);
  const position = q * (sorted.length - 1);
  const below = Math.floor(position);
  const low = sorted[below] as number;
  const high = sorted[Math.min(below + 1, sorted.length - 1)] as number;
  return low + (position - below) * (high - low);
}

/**
 * Mean, 5th, 50th and 95th percentiles of `values` (float64 sums). Sorts a copy: a tensor's
 * `data()` on the cpu backend is the tensor's own array, which must stay as it is.
 */
export function spreadOf(values: Float32Array): Spread {
  let sum = 0;
  for (const value of values) sum += value;
  const sorted = values.slice().sort();
  return {
    mean: sum / values.length,
    p5: sortedQuantile(sorted, 0.05),
    median: sortedQuantile(sorted, 0.5),
    p95: sortedQuantile(sorted, 0.95),
  };
}

/** The spread of a tensor's elements. */
async function spreadOfTensor(tensor: tf.Tensor): Promise<Spread> {
  return spreadOf((await tensor.data()) as Float32Array);
}

/** The spread of a tensor made inside `tf.tidy` by `make` (and disposed after). */
async function spreadOfMade(make: () => tf.Tensor): Promise<Spread> {
  const tensor = tf.tidy(make);
  try {
    return await spreadOfTensor(tensor);
  } finally {
    tensor.dispose();
  }
}

/**
 * What a Gaussian (Bayes by Backprop) or sharpened posterior learned, weight by weight: the
 * spread of `|μ|`, `σ`, `|μ|/σ` and, for sharpened weights, η. Reads the variables without
 * changing them; makes no tensors that outlive the call.
 *
 * Use it to see where the posterior stayed wide (σ near its initial value) or collapsed, and
 * how far sharpening moves a weight: with σ0 the sharpening noise, a σ well below σ0 means the
 * sharpened draw `θ ~ N(φ − η g, σ0²)` is noisier than the posterior itself.
 */
export async function summarizePosterior<Name extends string>(
  posterior: GaussianPosterior<Name> | SharpenedPosterior<Name>,
): Promise<WeightPosteriorSummary[]> {
  const base = posterior.kind === 'sharpened' ? posterior.base : posterior;
  const sigmas = base.sigmas();
  try {
    const summaries: WeightPosteriorSummary[] = [];
    for (const name of base.bayesianNames) {
      const { mu } = base.parametersOf(name);
      const sigmaTensor = sigmas[name] as tf.Tensor;
      const eta =
        posterior.kind === 'sharpened' && posterior.sharpenedNames.includes(name)
          ? await spreadOfTensor(posterior.variables[etaVariableName(name)] as tf.Variable)
          : undefined;
      summaries.push({
        name,
        size: mu.size,
        absMu: await spreadOfMade(() => tf.abs(mu)),
        sigma: await spreadOfTensor(sigmaTensor),
        signalToNoise: await spreadOfMade(() => tf.div(tf.abs(mu), sigmaTensor)),
        ...(eta === undefined ? {} : { eta }),
      });
    }
    return summaries;
  } finally {
    tf.dispose(Object.values(sigmas) as tf.Tensor[]);
  }
}
