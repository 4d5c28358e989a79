import type { Weights } from '@bayesrnn/spec';
import * as tf from '@tensorflow/tfjs-core';

/** One weight of a step: its name, current value `θ` and gradient `g`. */
export interface WeightAndGradient {
  readonly name: string;
  readonly position: tf.Tensor;
  readonly gradient: tf.Tensor;
}

/**
 * Pairs every weight with its gradient, checking that the names match exactly and the shapes
 * agree (a sampler has no sensible default for a missing gradient).
 *
 * @param owner - e.g. `'SGLD'`, for messages.
 * @throws Error `SGLD: gradient of "kernel" has shape [2, 3], weight has [3, 2]`, or naming a
 *   missing or unknown gradient.
 */
export function pairWithGradients(
  owner: string,
  position: Weights,
  gradients: Weights,
): WeightAndGradient[] {
  for (const name of Object.keys(gradients)) {
    if (!(name in position)) throw new Error(`${owner}: gradient for unknown weight "${name}"`);
  }
  return Object.entries<tf.Tensor>(position).map(([name, theta]) => {
    const gradient = gradients[name];
    if (gradient === undefined) throw new Error(`${owner}: no gradient for weight "${name}"`);
    const { shape } = gradient;
    if (shape.length !== theta.shape.length || shape.some((s, i) => s !== theta.shape[i])) {
      throw new Error(
        `${owner}: gradient of "${name}" has shape [${shape.join(', ')}], ` +
          `weight has [${theta.shape.join(', ')}]`,
      );
    }
    return { name, position: theta, gradient };
  });
}

/** A fresh handle on every weight (`init` copies; the caller keeps its own tensors). */
export function copyWeights<Name extends string>(weights: Weights<Name>): Weights<Name> {
  const copy: Record<string, tf.Tensor> = {};
  for (const [name, tensor] of Object.entries<tf.Tensor>(weights)) copy[name] = tensor.clone();
  return copy as Weights<Name>;
}

/** Zeros shaped like every weight: the initial momentum or second moment. */
export function zerosLikeWeights<Name extends string>(weights: Weights<Name>): Weights<Name> {
  const zeros: Record<string, tf.Tensor> = {};
  for (const [name, tensor] of Object.entries<tf.Tensor>(weights)) {
    // tf.zerosLike, not the chained tensor.zerosLike(): the chained API exists only when the
    // full @tensorflow/tfjs bundle is loaded, not with tfjs-core alone (found by the bench).
    zeros[name] = tf.zerosLike(tensor);
  }
  return zeros as Weights<Name>;
}

/**
 * The auxiliary tensor of weight `name` in a state group (`secondMoment`, `momentum`), with a
 * clear error for a state that does not match the weights (e.g. a stale checkpoint).
 */
export function stateEntry(owner: string, group: Weights, groupName: string, name: string) {
  const tensor = group[name];
  if (tensor === undefined) throw new Error(`${owner}: state has no ${groupName}/${name}`);
  return tensor;
}
