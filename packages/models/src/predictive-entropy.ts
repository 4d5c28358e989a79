import { createKey, disposeTree, foldIn, mapTree } from '@bayesrnn/core';
import type { RngKey, WeightSource, Weights } from '@bayesrnn/spec';
import * as tf from '@tensorflow/tfjs-core';
import type { LanguageModel, LmState } from './language-model.js';
import { disposeLmWindow } from './lm-window.js';
import { weightsForPass } from './pass-weights.js';
import type { EvaluationWindowSource } from './window-source.js';

/** Options of `predictiveEntropy`. */
export interface PredictiveEntropyOptions {
  /**
   * `0`/`1`: one deterministic pass (the posterior mean, masks off). `K > 1`: the predictive is
   * the mean of K passes' probabilities, each pass with its own weight draw and dropout masks.
   */
  readonly samples?: number;
  readonly key?: RngKey;
}

/** Mean per-word predictive entropy (nats) over every scored token. */
export interface PredictiveEntropy {
  readonly entropy: number;
  readonly tokens: number;
  readonly samples: number;
}

/**
 * The per-word predictive entropy of Fortunato et al. 2017 (§5.1):
 * `H̄ = (1/T) Σ_i Σ_w −p̄(w | x_<i) log p̄(w | x_<i)`, with `p̄` the predictive distribution
 * (the mean of the K passes' probabilities for K > 1). The whole vocabulary's distribution is
 * needed per token, so the K passes run side by side window by window (K states, K draws held
 * for the run: memory grows with K × the weights) and the mean distribution never leaves the
 * device.
 */
export async function predictiveEntropy(
  model: LanguageModel,
  weights: Weights | WeightSource,
  windows: EvaluationWindowSource,
  options: PredictiveEntropyOptions = {},
): Promise<PredictiveEntropy> {
  const samples = Math.max(1, Math.floor(options.samples ?? 1));
  const key = options.key ?? createKey(0);
  const draws = Array.from({ length: samples }, (_, s) =>
    weightsForPass(weights, samples > 1, foldIn(foldIn(key, s), 'weights')),
  );
  let states: LmState[] = draws.map(() => model.initialState(windows.batchSize));
  let total = 0;
  let tokens = 0;
  try {
    for (let index = 0; index < windows.windowCount; index += 1) {
      const { inputs, steps } = windows.window(index);
      const inputIds = tf.tensor2d(inputs, [windows.batchSize, steps], 'int32');
      const next: LmState[] = [];
      const entropySum = tf.tidy(() => {
        const probabilities = draws.map((draw, s) => {
          const window = model.startWindow({
            key: foldIn(foldIn(key, s), index),
            batchSize: windows.batchSize,
            steps,
            training: samples > 1,
          });
          const forward = model.forward(draw.weights, inputIds, states[s] as LmState, window);
          disposeLmWindow(window);
          // The next state leaves the tidy; mapTree keeps the structure.
          next.push(mapTree(forward.state, (t) => tf.keep(t)) as unknown as LmState);
          return tf.softmax(forward.logits);
        });
        const mean = tf.div(tf.addN(probabilities), samples);
        // −Σ p log p, with 0·log 0 = 0.
        const plogp = tf.mul(mean, tf.log(tf.maximum(mean, 1e-30)));
        return tf.neg(tf.sum(plogp));
      });
      inputIds.dispose();
      disposeTree(states);
      states = next;
      total += (await entropySum.data())[0] ?? Number.NaN;
      entropySum.dispose();
      tokens += windows.batchSize * steps;
    }
  } finally {
    disposeTree(states);
    for (const draw of draws) draw.dispose();
  }
  if (tokens === 0) throw new Error('predictiveEntropy: the corpus has no window to score');
  return { entropy: total / tokens, tokens, samples };
}
