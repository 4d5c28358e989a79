import { assertKey, createKey, disposeTree, foldIn, tidyTree } from '@bayesrnn/core';
import { tokenNll } from '@bayesrnn/metrics';
import type { RngKey, WeightSource, Weights } from '@bayesrnn/spec';
import * as tf from '@tensorflow/tfjs-core';
import type { LanguageModel, LmState } from './language-model.js';
import { disposeLmWindow } from './lm-window.js';
import { weightsForPass } from './pass-weights.js';
import { createRunningPredictive } from './running-predictive.js';
import type { EvaluationWindowSource } from './window-source.js';

/** Evaluation options. */
export interface EvaluateOptions {
  /**
   * Monte-Carlo passes: `0` or `1` is the deterministic pass, masks off and (for a weight
   * source) the posterior mean ("standard dropout approximation"; Fortunato et al.'s mean
   * evaluation); `K > 1` averages the predictive probabilities of K passes, each with fresh
   * dropout masks (MC dropout, Gal & Ghahramani 2016 §3.1) and, for a weight source, its own
   * weight draw (K posterior samples).
   */
  readonly mcSamples?: number;
  /** Key for the MC masks and draws (pass k uses `foldIn(key, k)`). */
  readonly key?: RngKey;
  /** Called after each window of each pass. */
  readonly onProgress?: (done: number, total: number) => void;
}

/** Mean NLL per token (nats), its perplexity, and how many tokens were scored. */
export interface LmEvaluation {
  readonly nll: number;
  readonly perplexity: number;
  readonly tokens: number;
  readonly mcSamples: number;
}

/**
 * Scores a corpus as `batchSize` continuous streams, the state carried across windows:
 * perplexity = exp(total NLL / tokens). With `mcSamples = K > 1` each pass has its own masks and
 * state stream, and every token's probability is the mean over passes,
 * `log p̄ = logsumexp_k log p_k − log K` — the mean of probabilities, not of log-probabilities
 * (papers.md §3.5.2). Per-token sums are kept in float64 on the host, so K does not multiply
 * memory on the device.
 */
export async function evaluateLanguageModel(
  model: LanguageModel,
  weights: Weights | WeightSource,
  windows: EvaluationWindowSource,
  options: EvaluateOptions = {},
): Promise<LmEvaluation> {
  const passes = Math.max(1, Math.floor(options.mcSamples ?? 1));
  const key = options.key ?? createKey(0);
  assertKey(key, 'evaluateLanguageModel');
  const predictive = createRunningPredictive();
  for (let pass = 0; pass < passes; pass += 1) {
    const passKey = foldIn(key, pass);
    const passWeights = weightsForPass(weights, passes > 1, foldIn(passKey, 'weights'));
    await scorePass(model, passWeights.weights, windows, {
      training: passes > 1,
      key: passKey,
      onWindow: (index, logProbabilities) => {
        predictive.add(index, logProbabilities);
        options.onProgress?.(pass * windows.windowCount + index + 1, passes * windows.windowCount);
      },
    });
    predictive.endMember();
    passWeights.dispose();
  }
  const { nll, tokens } = predictive.nll();
  return { nll, perplexity: Math.exp(nll), tokens, mcSamples: passes };
}

/** One pass over every window in order, carrying the state; hands each window's target log-probs on. */
export async function scorePass(
  model: LanguageModel,
  weights: Weights,
  windows: EvaluationWindowSource,
  pass: {
    training: boolean;
    key: RngKey;
    onWindow: (index: number, logProbabilities: Float32Array) => void;
  },
): Promise<void> {
  const { batchSize } = windows;
  let state: LmState = model.initialState(batchSize);
  for (let index = 0; index < windows.windowCount; index += 1) {
    const { inputs, targets, steps } = windows.window(index);
    const window = model.startWindow({
      key: foldIn(pass.key, index),
      batchSize,
      steps,
      training: pass.training,
    });
    const { logProbabilities, next } = tidyTree(() => {
      const forward = model.forward(
        weights,
        tf.tensor2d(inputs, [batchSize, steps], 'int32'),
        state,
        window,
      );
      // Targets were checked when the corpus was encoded: skip the per-window range read-back.
      const scored = tf.neg(
        tokenNll(forward.logits, tf.tensor1d(targets, 'int32'), { checkTargets: false }),
      );
      return { logProbabilities: scored, next: forward.state };
    });
    disposeLmWindow(window);
    disposeTree(state);
    state = next;
    pass.onWindow(index, (await logProbabilities.data()) as Float32Array);
    logProbabilities.dispose();
  }
  disposeTree(state);
}
