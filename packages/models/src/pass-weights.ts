import type { RngKey, WeightSource, Weights } from '@bayesrnn/spec';
import * as tf from '@tensorflow/tfjs-core';

/** Whether `weights` is a `WeightSource` (it has `draw`) rather than plain weights. */
export function isWeightSource(weights: Weights | WeightSource): weights is WeightSource {
  return typeof (weights as Partial<WeightSource>).draw === 'function';
}

/** A pass's weights: plain weights as given, a source's mean, or (sampling) a fresh draw. */
export function weightsForPass(
  weights: Weights | WeightSource,
  sample: boolean,
  key: RngKey,
): { weights: Weights; dispose(): void } {
  if (!isWeightSource(weights)) return { weights, dispose: () => {} };
  let drawn: Weights;
  if (sample) {
    const draw = weights.draw(key, { training: false });
    tf.dispose([draw.kl, draw.minibatchKl ?? []]);
    drawn = draw.weights;
  } else {
    drawn = weights.mean();
  }
  return { weights: drawn, dispose: () => tf.dispose(Object.values(drawn)) };
}
