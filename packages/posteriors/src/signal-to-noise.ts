import type { Weights } from '@bayesrnn/spec';
import * as tf from '@tensorflow/tfjs-core';
import type { GaussianPosterior } from './gaussian-posterior.js';

/** The outcome of pruning: the weights to evaluate with, and what was removed. */
export interface PrunedWeights<Name extends string = string> {
  /** The posterior mean with the lowest-SNR elements set to 0 (caller owns). */
  readonly weights: Weights<Name>;
  /** Elements with SNR below this were removed. */
  readonly threshold: number;
  readonly pruned: number;
  /** Elements of all Bayesian weights (point weights are never pruned). */
  readonly total: number;
}

/** `|μ| / σ` of every Bayesian weight, element-wise (new tensors, caller owns). */
export function signalToNoise<Name extends string>(
  posterior: GaussianPosterior<Name>,
): Partial<Weights<Name>> {
  const sigmas = posterior.sigmas();
  const ratios: Partial<Record<Name, tf.Tensor>> = {};
  for (const name of posterior.bayesianNames) {
    const sigma = sigmas[name] as tf.Tensor;
    ratios[name] = tf.tidy(() => tf.div(tf.abs(posterior.parametersOf(name).mu), sigma));
    sigma.dispose();
  }
  return ratios as Partial<Weights<Name>>;
}

/**
 * Signal-to-noise pruning (Blundell et al. 2015 §5.2; Fortunato et al. 2017 Fig. 2): sorts every
 * element of every Bayesian weight by `|μ|/σ` (one global ranking) and zeroes the lowest
 * `fraction` of them in the posterior mean. Ties at the threshold are kept, so at most
 * `round(fraction · total)` elements are removed.
 *
 * @param fraction - in [0, 1]: 0 returns the mean, 1 zeroes every Bayesian weight.
 */
export async function pruneBySignalToNoise<Name extends string>(
  posterior: GaussianPosterior<Name>,
  fraction: number,
): Promise<PrunedWeights<Name>> {
  if (!(fraction >= 0 && fraction <= 1))
    throw new RangeError(`pruneBySignalToNoise: fraction must be in [0, 1], got ${fraction}`);
  const ratios = signalToNoise(posterior);
  const names = posterior.bayesianNames;
  const values = await Promise.all(names.map((name) => (ratios[name] as tf.Tensor).data()));
  const total = values.reduce((sum, array) => sum + array.length, 0);
  const all = new Float32Array(total);
  let offset = 0;
  for (const array of values) {
    all.set(array, offset);
    offset += array.length;
  }
  all.sort();
  const count = Math.round(fraction * total);
  const threshold = count === 0 ? -Infinity : count >= total ? Infinity : (all[count] as number);
  const weights = posterior.mean() as Record<Name, tf.Tensor>;
  for (const name of names) {
    const ratio = ratios[name] as tf.Tensor;
    const mean = weights[name];
    weights[name] = tf.tidy(() =>
      tf.mul(mean, tf.cast(tf.greaterEqual(ratio, threshold), 'float32')),
    );
    tf.dispose([mean, ratio]);
  }
  let pruned = 0;
  for (const array of values) for (const value of array) if (value < threshold) pruned += 1;
  return { weights, threshold, pruned, total };
}
