// A posterior written outside bayesrnn, through the `Posterior` contract of @bayesrnn/spec
// alone: Graves's (2011) weight noise, a Gaussian of learned means and one fixed standard
// deviation. The library's tasks, trainers and evaluators take it as they take their own.
import { checkFinite, foldIn, initWeights, randomNormal } from '@bayesrnn/core';
import type { Draw, Posterior, RngKey, WeightSpecs, Weights } from '@bayesrnn/spec';
import * as tf from '@tensorflow/tfjs-core';

/** Options of `createWeightNoisePosterior`. */
export interface WeightNoiseConfig<Name extends string> {
  /** The weights to learn: a model's `weightSpecs`. */
  readonly specs: WeightSpecs<Name>;
  /** Key of the means' initialisation (`foldIn(key, name)` per weight). */
  readonly key: RngKey;
  /** σ₀, the noise's standard deviation, the same for every weight. Default 0.01. */
  readonly noiseStd?: number;
  /** s, the standard deviation of the zero-mean Gaussian prior. Default 1. */
  readonly priorStd?: number;
}

/** Weight noise behind the `Posterior` contract; variables named like the weights. */
export interface WeightNoisePosterior<Name extends string> extends Posterior<Name> {
  readonly noiseStd: number;
  readonly priorStd: number;
}

/**
 * KL[N(μ, σ₀² I) ‖ N(0, s² I)] over every weight, in closed form:
 *
 * `Σ_j log(s/σ₀) + (σ₀² + μ_j²) / (2s²) − ½`
 *
 * Its gradient in μ is `μ / s²`: divided by the task's number of minibatches, weight decay.
 */
export function weightNoiseKl(
  means: readonly tf.Tensor[],
  noiseStd: number,
  priorStd: number,
): tf.Scalar {
  return tf.tidy(() => {
    const count = means.reduce((total, mean) => total + mean.size, 0);
    const perWeight = Math.log(priorStd / noiseStd) + noiseStd ** 2 / (2 * priorStd ** 2) - 0.5;
    const squares = tf.addN(means.map((mean) => tf.sum(tf.square(mean))));
    return tf.add(tf.div(squares, 2 * priorStd ** 2), count * perWeight) as tf.Scalar;
  });
}

function positive(value: number, option: string): number {
  checkFinite(value, option);
  if (!(value > 0)) throw new RangeError(`${option} must be positive, got ${value}`);
  return value;
}

/**
 * Weight noise (Graves 2011, "Practical variational inference for neural networks"): the
 * posterior `q(θ) = N(μ, σ₀² I)` with learned means μ and a fixed σ₀. A training draw is
 * `θ = μ + σ₀ ε`, ε ~ N(0, I) from `foldIn(key, name)`, one draw per window (every step,
 * every sequence); an evaluation draw and `mean()` are μ. The KL against the prior
 * `N(0, s² I)` is exact (`weightNoiseKl`). Same key, same draw.
 *
 * @throws RangeError naming the option: `WeightNoiseConfig.noiseStd must be positive, got 0`.
 */
export function createWeightNoisePosterior<Name extends string>(
  config: WeightNoiseConfig<Name>,
): WeightNoisePosterior<Name> {
  const noiseStd = positive(config.noiseStd ?? 0.01, 'WeightNoiseConfig.noiseStd');
  const priorStd = positive(config.priorStd ?? 1, 'WeightNoiseConfig.priorStd');
  const initial = initWeights(config.specs, config.key);
  const names = Object.keys(initial) as Name[];
  const variables = Object.fromEntries(
    names.map((name) => [name, tf.variable(initial[name], true, undefined, 'float32')]),
  ) as Record<Name, tf.Variable>;
  tf.dispose(Object.values(initial) as tf.Tensor[]);
  const means = (): Weights<Name> =>
    Object.fromEntries(
      names.map((name): [Name, tf.Tensor] => [name, tf.clone(variables[name])]),
    ) as unknown as Weights<Name>;
  return {
    noiseStd,
    priorStd,
    variables,
    mean: means,
    draw(key, context): Draw<Name> {
      const kl = weightNoiseKl(Object.values(variables) as tf.Variable[], noiseStd, priorStd);
      if (!context.training) return { weights: means(), kl };
      const weights = Object.fromEntries(
        names.map((name) => {
          const mean = variables[name];
          // θ = μ + σ₀ ε; tidy frees ε and σ₀ε.
          return [
            name,
            tf.tidy(() =>
              tf.add(mean, tf.mul(randomNormal(foldIn(key, name), mean.shape), noiseStd)),
            ),
          ];
        }),
      ) as unknown as Weights<Name>;
      return { weights, kl };
    },
  };
}
