import { disposeTree } from '@bayesrnn/core';
import type { WeightSpecs, Weights } from '@bayesrnn/spec';
import { decode, decodeAll, type EncodedTensor, expectClose, TOLERANCES } from '@bayesrnn/testing';
import * as tf from '@tensorflow/tfjs-core';
import { expect } from 'vitest';

/** A model declares exactly the fixture's weights, with their shapes. */
export function expectFixtureShapes(
  specs: WeightSpecs,
  encodedWeights: Readonly<Record<string, EncodedTensor>>,
): void {
  const shapesOf = (entries: [string, { readonly shape: readonly number[] }][]) =>
    Object.fromEntries(entries.map(([name, { shape }]) => [name, [...shape]]));
  expect(shapesOf(Object.entries(specs))).toEqual(shapesOf(Object.entries(encodedWeights)));
}

/**
 * The analytic gradient of `loss` with respect to every declared weight, at the fixture's
 * weights, matches the reference's gradients (`TOLERANCES.reference`).
 */
export function expectFixtureGradients(
  specs: WeightSpecs,
  encodedWeights: Readonly<Record<string, EncodedTensor>>,
  encodedGradients: Readonly<Record<string, EncodedTensor>>,
  loss: (weights: Weights) => tf.Scalar,
): void {
  const weights = decodeAll(encodedWeights as Record<string, EncodedTensor>);
  const names = Object.keys(specs);
  const gradients = tf.grads((...values: tf.Tensor[]) =>
    loss(Object.fromEntries(names.map((name, i) => [name, values[i] as tf.Tensor]))),
  )(names.map((name) => weights[name] as tf.Tensor));
  names.forEach((name, index) => {
    const expected = decode(encodedGradients[name] as EncodedTensor);
    expectClose(gradients[index] as tf.Tensor, expected, TOLERANCES.reference, `d/d ${name}`);
    expected.dispose();
  });
  disposeTree([gradients, Object.values(weights)]);
}
