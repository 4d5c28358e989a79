import type { RngKey, WeightSpecs, Weights } from '@bayesrnn/spec';
import type * as tf from '@tensorflow/tfjs-core';
import { foldIn } from '../random/rng-key.js';

/**
 * Makes initial weights for every spec. Each weight's key is `foldIn(key, name)`, so a weight's
 * value depends only on the key and its own name: adding or reordering other weights never
 * changes it. The caller owns the tensors.
 *
 * @throws naming the weight whose initialiser returned a tensor of the wrong shape.
 */
export function initWeights<Name extends string>(
  specs: WeightSpecs<Name>,
  key: RngKey,
): Weights<Name> {
  const weights: Partial<Record<Name, tf.Tensor>> = {};
  const names = Object.keys(specs) as Name[];
  try {
    for (const name of names) {
      const spec = specs[name];
      const value = spec.init(foldIn(key, name), spec.shape);
      weights[name] = value;
      if (!sameShape(value.shape, spec.shape)) {
        throw new Error(
          `initWeights: '${name}' initialiser returned shape [${value.shape.join(', ')}], spec says [${spec.shape.join(', ')}]`,
        );
      }
    }
  } catch (error) {
    for (const tensor of Object.values<tf.Tensor | undefined>(weights)) tensor?.dispose();
    throw error;
  }
  return weights as Weights<Name>;
}

function sameShape(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((size, i) => size === b[i]);
}
