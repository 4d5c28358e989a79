import { assertKey, createKey, disposeTree, foldIn, tidyTree } from '@bayesrnn/core';
import { tokenNll } from '@bayesrnn/metrics';
import type { RngKey, WeightSource } from '@bayesrnn/spec';
import * as tf from '@tensorflow/tfjs-core';
import type { LanguageModel, LmState } from './language-model.js';
import { disposeLmWindow } from './lm-window.js';
import { type WindowData, windowDataLoss } from './window-data-loss.js';
import type { EvaluationWindowSource } from './window-source.js';

/** Options of {@link evaluateSharpenedBound}. */
export interface SharpenedBoundOptions {
  /** Key of window `w`'s draws (`foldIn(key, w)`); default `createKey(0)`. */
  readonly key?: RngKey;
  /** Called after each window. */
  readonly onProgress?: (done: number, total: number) => void;
}

/** The bound and its two parts, per token (nats), over `tokens` scored tokens. */
export interface SharpenedBound {
  /** The upper bound on the NLL per token: `dataNll + sharpeningKl`. */
  readonly nll: number;
  /** `exp(nll)`: an upper bound on the perplexity, what the paper's Table 1 prints with "≤". */
  readonly perplexity: number;
  /** `Σ −log p(x | θ) / tokens` at the sharpened draws θ. */
  readonly dataNll: number;
  /** `Σ KL[q(θ | φ, x) ‖ p(θ | φ)] / tokens`, one KL per window. */
  readonly sharpeningKl: number;
  readonly tokens: number;
}

/**
 * Option (b) of posterior sharpening's evaluation (Fortunato et al. 2017, eq. 15–17; papers.md
 * §1.4): the corpus as `batchSize` streams, the state carried, and for each window a fresh
 * φ ~ q(φ) sharpened on that window's own targets, θ ~ q(θ | φ, x) = N(φ − η ⊙ g_φ, σ0² I). As
 * the labels are used, each window pays the sharpening KL:
 *
 *   −log p(x_w) ≤ E_q(φ) E_q(θ|φ,x_w) [−log p(x_w | θ)] + KL[q(θ | φ, x_w) ‖ p(θ | φ)]
 *
 * estimated with one (φ, θ) per window, so the result is an upper bound on the perplexity in
 * expectation over the draws (the key fixes them). g_φ differentiates the training task's data
 * term (`windowDataLoss`), whose scale η was learned against. No dropout masks: the windows run
 * with `training: false`, only the weights are drawn.
 *
 * @param source a sharpened posterior (`createSharpenedPosterior`); anything whose training
 *   draw returns no `minibatchKl` is refused with an error naming it.
 */
export async function evaluateSharpenedBound(
  model: LanguageModel,
  source: WeightSource,
  windows: EvaluationWindowSource,
  options: SharpenedBoundOptions = {},
): Promise<SharpenedBound> {
  const key = options.key ?? createKey(0);
  assertKey(key, 'evaluateSharpenedBound');
  const { batchSize } = windows;
  let state: LmState = model.initialState(batchSize);
  let dataNll = 0;
  let sharpeningKl = 0;
  let tokens = 0;
  try {
    for (let index = 0; index < windows.windowCount; index += 1) {
      const { inputs, targets, steps } = windows.window(index);
      const windowKey = foldIn(key, index);
      const window = model.startWindow({ key: windowKey, batchSize, steps, training: false });
      let scored: WindowBound;
      try {
        scored = boundOfWindow(
          model,
          source,
          windowKey,
          (): WindowData => ({
            inputIds: tf.tensor2d(inputs, [batchSize, steps], 'int32'),
            targetIds: tf.tensor1d(targets, 'int32'),
            steps,
            start: state,
            window,
          }),
        );
      } finally {
        disposeLmWindow(window);
      }
      disposeTree(state);
      state = scored.next;
      const [windowNll = 0, windowKl = 0] = await scored.parts.data();
      scored.parts.dispose();
      dataNll += windowNll;
      sharpeningKl += windowKl;
      tokens += batchSize * steps;
      options.onProgress?.(index + 1, windows.windowCount);
    }
  } finally {
    disposeTree(state);
  }
  const nll = (dataNll + sharpeningKl) / tokens;
  return {
    nll,
    perplexity: Math.exp(nll),
    dataNll: dataNll / tokens,
    sharpeningKl: sharpeningKl / tokens,
    tokens,
  };
}

/** A window's `[Σ −log p(x | θ), KL_sharp]` and the state after it. */
interface WindowBound {
  readonly parts: tf.Tensor1D;
  readonly next: LmState;
}

/** One window of {@link evaluateSharpenedBound}: the sharpened draw on `window()`'s data, scored. */
function boundOfWindow(
  model: LanguageModel,
  source: WeightSource,
  windowKey: RngKey,
  window: () => WindowData,
): WindowBound {
  return tidyTree(() => {
    const data = window();
    const draw = source.draw(foldIn(windowKey, 'weights'), {
      training: true,
      lossOf: (weights) => windowDataLoss(model, weights, data),
    });
    if (draw.minibatchKl === undefined) {
      throw new Error(
        'evaluateSharpenedBound: the weight source is not sharpened (its training draw has no minibatchKl); use evaluateLanguageModel',
      );
    }
    const forward = model.forward(draw.weights, data.inputIds, data.start, data.window);
    const nllSum = tf.sum(tokenNll(forward.logits, data.targetIds, { checkTargets: false }));
    return { parts: tf.stack([nllSum, draw.minibatchKl]) as tf.Tensor1D, next: forward.state };
  });
}
