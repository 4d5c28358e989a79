import type { WeightSpecs, Weights } from '@bayesrnn/spec';
import type * as tf from '@tensorflow/tfjs-core';
import type { AnyCell } from './model-cell.js';

/** A weight by name, or an error naming the model (`who`) and the missing weight. */
export function requireWeight(weights: Weights, name: string, who: string): tf.Tensor {
  const tensor = weights[name];
  if (tensor === undefined) throw new Error(`${who}: missing weight '${name}'`);
  return tensor;
}

/** A cell's weight specs under `<prefix>/<name>` (`layers/1/kernel`, `forward/bias`). */
export function prefixedWeightSpecs(
  cell: AnyCell,
  prefix: string,
): Record<string, WeightSpecs[string]> {
  const specs: Record<string, WeightSpecs[string]> = {};
  for (const [name, spec] of Object.entries(cell.weightSpecs)) specs[`${prefix}/${name}`] = spec;
  return specs;
}

/** The weights a cell reads, taken from `<prefix>/<name>` and handed over under its own names. */
export function prefixedWeights(
  cell: AnyCell,
  prefix: string,
  weights: Weights,
  who: string,
): Weights {
  const selected: Record<string, Weights[string]> = {};
  for (const name of Object.keys(cell.weightSpecs)) {
    selected[name] = requireWeight(weights, `${prefix}/${name}`, who);
  }
  return selected;
}
