import { disposeTree, foldIn, keyToSeed, tidyTree } from '@bayesrnn/core';
import type { RngKey, Weights } from '@bayesrnn/spec';
import * as tf from '@tensorflow/tfjs-core';
import type { LanguageModel, LmState } from './language-model.js';
import { disposeLmWindow } from './lm-window.js';

/** Options of `sampleLanguageModel`. */
export interface SampleOptions {
  /** Token ids to condition on (at least one, e.g. `<eos>` to start a sentence). */
  readonly prompt: Int32Array;
  /** How many tokens to generate. */
  readonly length: number;
  /** Softmax temperature: 1 samples the model, < 1 sharpens, 0 takes the most likely token. */
  readonly temperature: number;
  readonly key: RngKey;
}

/**
 * Generates `length` token ids after `prompt`, one at a time, with the masks off. Token `i` is
 * drawn with `foldIn(key, i)`, so the same key and prompt give the same text.
 */
export function sampleLanguageModel(
  model: LanguageModel,
  weights: Weights,
  options: SampleOptions,
): Int32Array {
  if (options.prompt.length === 0)
    throw new RangeError('sampleLanguageModel: prompt must hold at least one token');
  if (!(options.temperature >= 0)) {
    throw new RangeError(
      `sampleLanguageModel: temperature must be ≥ 0, got ${options.temperature}`,
    );
  }
  const generated = new Int32Array(options.length);
  let state: LmState = model.initialState(1);
  let inputs = options.prompt;
  for (let i = 0; i < options.length; i += 1) {
    const window = model.startWindow({
      key: options.key,
      batchSize: 1,
      steps: inputs.length,
      training: false,
    });
    const { token, next } = tidyTree(() => {
      const forward = model.forward(
        weights,
        tf.tensor2d(inputs, [1, inputs.length], 'int32'),
        state,
        window,
      );
      const last = tf.slice(forward.logits, [inputs.length - 1, 0], [1, -1]) as tf.Tensor2D;
      return {
        token: pick(last, options.temperature, foldIn(options.key, i)),
        next: forward.state,
      };
    });
    disposeLmWindow(window);
    disposeTree(state);
    state = next;
    generated[i] = token;
    inputs = Int32Array.of(token);
  }
  disposeTree(state);
  return generated;
}

function pick(logits: tf.Tensor2D, temperature: number, key: RngKey): number {
  if (temperature === 0) return tf.argMax(logits, 1).dataSync()[0] ?? 0;
  const scaled = tf.div(logits, temperature) as tf.Tensor2D;
  return tf.multinomial(scaled, 1, keyToSeed(key)).dataSync()[0] ?? 0;
}
