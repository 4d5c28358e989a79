import { disposeTree, foldIn } from '@bayesrnn/core';
import type { RngKey, Weights } from '@bayesrnn/spec';
import type { EvaluationResult, TrainTask, WindowContext, WindowLoss } from '@bayesrnn/train';
import * as tf from '@tensorflow/tfjs-core';
import { evaluateLanguageModel } from './evaluate-language-model.js';
import type { LanguageModel, LmState } from './language-model.js';
import { disposeLmWindow } from './lm-window.js';
import { type TaskWeights, taskWeightSource } from './task-weights.js';
import { meanTokenNll, windowDataLoss } from './window-data-loss.js';
import type { EvaluationWindowSource } from './window-source.js';

/** Training windows (as `@bayesrnn/data`'s `createTbpttBatches` makes them). */
export interface TrainingWindowSource {
  readonly batchSize: number;
  readonly steps: number;
  readonly windowsPerEpoch: number;
  window(index: number): { readonly inputs: Int32Array; readonly targets: Int32Array };
}

/** What `createLanguageModelTask` wires together: the model's weights come from either field. */
export type LanguageModelTaskOptions = {
  readonly model: LanguageModel;
  readonly train: TrainingWindowSource;
  /** Evaluation splits by name (`valid`, `test`), scored with the masks off. */
  readonly evaluation?: Readonly<Record<string, EvaluationWindowSource>>;
  /**
   * Divisor of the posterior's KL, `C·B` in Fortunato et al. (2017) eq. 8 (papers.md §1.3):
   * default `batchSize × windowsPerEpoch`, the number of truncated sequences in an epoch.
   */
  readonly klDivisor?: number;
  /**
   * Start every window from the zero state instead of the previous window's final state
   * (Gan et al. 2017's "random minibatches" PTB setting, papers.md §2.6). Default false
   * (stateful truncated BPTT, Zaremba's and Fortunato's setting).
   */
  readonly resetStateEachWindow?: boolean;
} & TaskWeights;

/**
 * A `TrainTask` for a language model on point weights or a posterior. Window `w`'s loss, the
 * model state carried from window `w − 1`:
 *
 * `loss = Σ_t NLL_t / B + KL / (B·C) + KL_sharp / B`
 *
 * - the data term is the NLL summed over time steps and averaged over the batch (Zaremba et al.
 *   2014: `steps ×` the mean NLL per token, the scale their learning rate 1 and clipping norm 5
 *   were tuned for; the Sonnet BBB-RNN example uses the same);
 * - `KL` is the posterior's KL for the window's draw, divided by `klDivisor` = B·C, batch size
 *   × windows per epoch: the KL is paid once per pass over the data (Fortunato et al. 2017
 *   eq. 8; 20 × 1,327 = 26,540 on PTB);
 * - `KL_sharp`, a sharpened posterior's per-minibatch KL, is paid in full each minibatch (eq. 9),
 *   divided by B like the data term it accompanies.
 *
 * One draw per window, shared by every time step and every sequence (`foldIn(key, 'weights')`);
 * sharpening gets `lossOf`, the data term at other weights with the same masks and state. Parts:
 * `nll` (mean per token, for perplexity), `kl` (nats, unscaled), `sharpeningKl` when present.
 * Dropout masks and draws come from the window's key: training is a pure function of the run key.
 */
export function createLanguageModelTask(options: LanguageModelTaskOptions): TrainTask<LmState> {
  const { model, train: windows } = options;
  const source = taskWeightSource(options, model.weightSpecs, 'createLanguageModelTask');
  const klDivisor = options.klDivisor ?? windows.batchSize * windows.windowsPerEpoch;
  if (!(Number.isFinite(klDivisor) && klDivisor > 0))
    throw new RangeError(`createLanguageModelTask: klDivisor must be > 0, got ${klDivisor}`);
  return {
    variables: source.variables,
    windowsPerEpoch: windows.windowsPerEpoch,
    initialState: () => model.initialState(windows.batchSize),
    // In one tidy: the trainer's tape would free the intermediates (ids, the draw's weights,
    // logits), but a caller without one, e.g. a loss probe, would otherwise leak them.
    windowLoss: (index: number, state: LmState, context: WindowContext): WindowLoss<LmState> =>
      tf.tidy(
        () => windowLossOf(index, state, context) as unknown as tf.TensorContainer,
      ) as unknown as WindowLoss<LmState>,
    evaluate: async (split: string, key: RngKey): Promise<EvaluationResult> => {
      const splitWindows = options.evaluation?.[split];
      if (splitWindows === undefined)
        throw new Error(`language model task: no evaluation split '${split}'`);
      // Deterministic evaluation: the posterior mean (Fortunato et al. 2017 §5; point weights as they are).
      const { nll, perplexity, tokens } = await evaluateLanguageModel(model, source, splitWindows, {
        key,
      });
      return { nll, perplexity, tokens };
    },
  };

  function windowLossOf(
    index: number,
    state: LmState,
    context: WindowContext,
  ): WindowLoss<LmState> {
    const { inputs, targets } = windows.window(index);
    const { batchSize, steps } = windows;
    const window = model.startWindow({ key: context.key, batchSize, steps, training: true });
    const zero = options.resetStateEachWindow === true ? model.initialState(batchSize) : undefined;
    const start = zero ?? state;
    const inputIds = tf.tensor2d(inputs, [batchSize, steps], 'int32');
    const targetIds = tf.tensor1d(targets, 'int32');
    // Zaremba's data term: summed over the window's steps, averaged over the batch.
    const data = { inputIds, targetIds, steps, start, window };
    const lossOf = (weights: Weights): tf.Scalar => windowDataLoss(model, weights, data);
    const draw = source.draw(foldIn(context.key, 'weights'), { training: true, lossOf });
    const forward = model.forward(draw.weights, inputIds, start, window);
    disposeLmWindow(window);
    if (zero !== undefined) disposeTree(zero);
    const nll = meanTokenNll(forward.logits, targetIds);
    let loss = tf.add(tf.mul(nll, steps), tf.div(draw.kl, klDivisor)) as tf.Scalar;
    const parts: Record<string, tf.Scalar> = { nll, kl: draw.kl };
    if (draw.minibatchKl !== undefined) {
      loss = tf.add(loss, tf.div(draw.minibatchKl, batchSize)) as tf.Scalar;
      parts.sharpeningKl = draw.minibatchKl;
    }
    return { loss, state: forward.state, tokens: batchSize * steps, parts };
  }
}
