import { initWeights } from '@bayesrnn/core';
import type { Posterior, RngKey, WeightSpecs, Weights } from '@bayesrnn/spec';
import * as tf from '@tensorflow/tfjs-core';

/** Plain weights seen as a posterior: a point mass, KL 0. */
export interface PointPosterior<Name extends string = string> extends Posterior<Name> {
  readonly kind: 'point';
}

/**
 * Point weights behind the `Posterior` interface, so a model trains deterministic, Bayesian
 * or sampled weights through one code path. Variables are named like the weights.
 * Every draw returns the weights themselves (as new handles: the caller may dispose them).
 */
export function pointPosterior<Name extends string>(
  variables: { readonly [K in Name]: tf.Variable },
): PointPosterior<Name> {
  const current = (): Weights<Name> => {
    const weights: Partial<Record<Name, tf.Tensor>> = {};
    for (const name of Object.keys(variables) as Name[]) weights[name] = tf.clone(variables[name]);
    return weights as Weights<Name>;
  };
  return {
    kind: 'point',
    variables,
    draw: () => ({ weights: current(), kl: tf.scalar(0) }),
    mean: current,
  };
}

/** A point posterior with fresh variables initialised from `specs` (`foldIn(key, name)` each). */
export function createPointPosterior<Name extends string>(
  specs: WeightSpecs<Name>,
  key: RngKey,
): PointPosterior<Name> {
  const initial = initWeights(specs, key);
  const variables: Partial<Record<Name, tf.Variable>> = {};
  for (const name of Object.keys(initial) as Name[]) {
    variables[name] = tf.variable(initial[name], true, undefined, 'float32');
  }
  tf.dispose(Object.values(initial) as tf.Tensor[]);
  return pointPosterior(variables as { readonly [K in Name]: tf.Variable });
}
