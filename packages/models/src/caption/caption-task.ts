import { foldIn } from '@bayesrnn/core';
import { tokenNll } from '@bayesrnn/metrics';
import type { RngKey, Weights } from '@bayesrnn/spec';
import type { EvaluationResult, TrainTask, WindowContext, WindowLoss } from '@bayesrnn/train';
import * as tf from '@tensorflow/tfjs-core';
import { type TaskWeights, taskWeightSource } from '../task-weights.js';
import type { CaptionBatch, CaptionBatchSource, CaptionEvaluationSource } from './caption-batch.js';
import type { CaptionDecoder } from './caption-decoder.js';
import { evaluateCaptionDecoder } from './evaluate-captions.js';

/** The caption task carries no state from one batch to the next. */
export type CaptionTaskState = Record<string, never>;

/** What `createCaptionTask` wires together: the model's weights come from either field. */
export type CaptionTaskOptions = {
  readonly model: CaptionDecoder;
  readonly train: CaptionBatchSource;
  /** Evaluation splits by name (`valid`, `test`), scored teacher-forced with the masks off. */
  readonly evaluation?: Readonly<Record<string, CaptionEvaluationSource>>;
} & TaskWeights;

/**
 * `[rows, steps]` of 1 before each caption's length and 0 after, and the count of ones: the
 * targets the loss reads.
 */
export function captionTargetMask(batch: CaptionBatch): { mask: tf.Tensor2D; tokens: number } {
  const { rows, steps, lengths } = batch;
  const values = new Float32Array(rows * steps);
  let tokens = 0;
  for (let row = 0; row < rows; row += 1) {
    const length = lengths[row] ?? 0;
    values.fill(1, row * steps, row * steps + length);
    tokens += length;
  }
  return { mask: tf.tensor2d(values, [rows, steps]), tokens };
}

/**
 * The summed NLL of every caption's targets, `Σ_b Σ_{t < n_b + 1} −log p(w_{t+1} | w_{≤t}, f_b)`,
 * and the number of targets. Padding is masked out, so it never reaches the gradient.
 */
export function captionNllSum(
  model: CaptionDecoder,
  weights: Weights,
  batch: CaptionBatch,
  options: { readonly key: RngKey; readonly training: boolean },
): { sum: tf.Scalar; tokens: number } {
  const { mask, tokens } = captionTargetMask(batch);
  const sum = tf.tidy(() => {
    const targets = tf.tensor2d(batch.targets, [batch.rows, batch.steps], 'int32');
    // Targets are checked against the vocabulary in `logits`: no read-back here.
    const nll = tokenNll(model.logits(weights, batch, options), targets, { checkTargets: false });
    return tf.sum(tf.mul(nll, mask)) as tf.Scalar;
  });
  mask.dispose();
  return { sum, tokens };
}

/**
 * A `TrainTask` for a caption decoder: window `w` of epoch `e` is `train.batch(e, w)`, a batch
 * of `B` captions, and its loss is the per-caption potential
 *
 * `loss = (1/B) Σ_b Σ_t −log p(w_{b,t+1} | w_{b,≤t}, f_b, θ) + KL / N (+ KL_sharp / B)`
 *
 * with `N = train.examples` captions: Gan et al.'s captioning code sums over a caption's words
 * and averages over the batch, and passes the number of training captions to pSGLD, so a
 * sampler's `datasetSize` is `N`. `KL` is a posterior draw's KL, paid once per pass over the
 * data (Fortunato et al. 2017, eq. 8); a sharpened posterior's minibatch KL is paid per batch.
 * Parts: `nll`, the mean per word (the progress line's perplexity), and `kl` for a posterior;
 * `tokens` counts the targets. `evaluate` scores a split teacher-forced with the posterior mean.
 */
export function createCaptionTask(options: CaptionTaskOptions): TrainTask<CaptionTaskState> {
  const { model, train } = options;
  const source = taskWeightSource(options, model.weightSpecs, 'createCaptionTask');
  if (!(Number.isSafeInteger(train.examples) && train.examples > 0)) {
    throw new RangeError(`createCaptionTask: train.examples must be > 0, got ${train.examples}`);
  }
  return {
    variables: source.variables,
    windowsPerEpoch: train.batchesPerEpoch,
    initialState: () => ({}),
    // In one tidy: a caller without a tape (a loss probe) would otherwise leak the intermediates.
    windowLoss: (index, state, context) =>
      tf.tidy(
        () => batchLoss(index, state, context) as unknown as tf.TensorContainer,
      ) as unknown as WindowLoss<CaptionTaskState>,
    evaluate: async (split: string): Promise<EvaluationResult> => {
      const splitSource = options.evaluation?.[split];
      if (splitSource === undefined)
        throw new Error(`caption task: no evaluation split '${split}'`);
      return { ...(await evaluateCaptionDecoder(model, source, splitSource)) };
    },
  };

  function batchLoss(
    index: number,
    state: CaptionTaskState,
    context: WindowContext,
  ): WindowLoss<CaptionTaskState> {
    const batch = train.batch(context.epoch, index);
    const runOptions = { key: context.key, training: true };
    // The targets the loss reads: every caption's words and its <eos>.
    const tokens = batch.lengths.reduce((sum, length) => sum + length, 0);
    const perCaption = (weights: Weights): tf.Scalar =>
      tf.div(captionNllSum(model, weights, batch, runOptions).sum, batch.rows) as tf.Scalar;
    const draw = source.draw(foldIn(context.key, 'weights'), {
      training: true,
      lossOf: perCaption,
    });
    const dataTerm = perCaption(draw.weights);
    let loss = tf.add(dataTerm, tf.div(draw.kl, train.examples)) as tf.Scalar;
    const parts: Record<string, tf.Scalar> = {
      nll: tf.div(dataTerm, tokens / batch.rows) as tf.Scalar,
    };
    if (options.posterior !== undefined) parts.kl = draw.kl;
    if (draw.minibatchKl !== undefined) {
      loss = tf.add(loss, tf.div(draw.minibatchKl, batch.rows)) as tf.Scalar;
      parts.sharpeningKl = draw.minibatchKl;
    }
    return { loss, state, tokens, parts };
  }
}
