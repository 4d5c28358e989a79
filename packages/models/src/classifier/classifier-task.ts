import { foldIn } from '@bayesrnn/core';
import { tokenNll } from '@bayesrnn/metrics';
import type { RngKey, Weights } from '@bayesrnn/spec';
import type { EvaluationResult, TrainTask, WindowContext, WindowLoss } from '@bayesrnn/train';
import * as tf from '@tensorflow/tfjs-core';
import { type TaskWeights, taskWeightSource } from '../task-weights.js';
import type {
  ClassificationBatchSource,
  ClassificationEvaluationSource,
} from './classification-batch.js';
import { evaluateClassifier } from './evaluate-classifier.js';
import type { SentenceClassifier } from './sentence-classifier.js';

/** The classifier task carries no state from one batch to the next. */
export type ClassifierTaskState = Record<string, never>;

/** What `createClassifierTask` wires together: the model's weights come from either field. */
export type ClassifierTaskOptions = {
  readonly model: SentenceClassifier;
  readonly train: ClassificationBatchSource;
  /** Evaluation splits by name (`valid`, `test`), scored with the masks off. */
  readonly evaluation?: Readonly<Record<string, ClassificationEvaluationSource>>;
} & TaskWeights;

/**
 * A `TrainTask` for a sentence classifier: window `w` of epoch `e` is `train.batch(e, w)`, a
 * batch of `B` sentences, and its loss is the per-example-averaged potential
 *
 * `loss = (1/B) Σ_b −log p(y_b | x_b, θ) + KL / N (+ KL_sharp / B)`
 *
 * with `N = train.examples`: `N × loss` is Gan et al.'s minibatch estimate `Ũ` (2017, §2.1) up
 * to the prior, which a sampler adds itself, so an SG-MCMC sampler's `datasetSize` is `N`. `KL`
 * is a posterior draw's KL (0 for point weights), paid once per pass over the data (Fortunato et
 * al. 2017, eq. 8, per example); a sharpened posterior's minibatch KL is paid per batch (eq. 9).
 * Dropout masks and the draw come from the window's key (`foldIn(key, 'weights')` for the draw),
 * so the loss is a pure function of the key. No perplexity (`perplexity: false`); parts: `nll`
 * (mean per example), and `kl` (nats) for a posterior; `tokens` is the batch's rows. `evaluate`
 * scores a split with the posterior mean (point weights as they are), masks off.
 */
export function createClassifierTask(
  options: ClassifierTaskOptions,
): TrainTask<ClassifierTaskState> {
  const { model, train } = options;
  const source = taskWeightSource(options, model.weightSpecs, 'createClassifierTask');
  if (!(Number.isSafeInteger(train.examples) && train.examples > 0)) {
    throw new RangeError(`createClassifierTask: train.examples must be > 0, got ${train.examples}`);
  }
  return {
    variables: source.variables,
    windowsPerEpoch: train.batchesPerEpoch,
    perplexity: false,
    unit: 'sentences',
    initialState: () => ({}),
    // In one tidy: a caller without a tape (a loss probe) would otherwise leak the intermediates.
    windowLoss: (index, state, context) =>
      tf.tidy(
        () => batchLoss(index, state, context) as unknown as tf.TensorContainer,
      ) as unknown as WindowLoss<ClassifierTaskState>,
    evaluate: async (split: string, key: RngKey): Promise<EvaluationResult> => {
      const splitSource = options.evaluation?.[split];
      if (splitSource === undefined)
        throw new Error(`classifier task: no evaluation split '${split}'`);
      return { ...(await evaluateClassifier(model, source, splitSource, { key })) };
    },
  };

  function batchLoss(
    index: number,
    state: ClassifierTaskState,
    context: WindowContext,
  ): WindowLoss<ClassifierTaskState> {
    const batch = train.batch(context.epoch, index);
    const labels = tf.tensor1d(batch.labels, 'int32');
    const logitsOptions = { key: context.key, training: true };
    // Labels are checked against the classes in `logits`: no read-back here.
    const meanNll = (weights: Weights): tf.Scalar =>
      tf.mean(
        tokenNll(model.logits(weights, batch, logitsOptions), labels, { checkTargets: false }),
      ) as tf.Scalar;
    const draw = source.draw(foldIn(context.key, 'weights'), { training: true, lossOf: meanNll });
    const nll = meanNll(draw.weights);
    let loss = tf.add(nll, tf.div(draw.kl, train.examples)) as tf.Scalar;
    const parts: Record<string, tf.Scalar> = { nll };
    if (options.posterior !== undefined) parts.kl = draw.kl;
    if (draw.minibatchKl !== undefined) {
      loss = tf.add(loss, tf.div(draw.minibatchKl, batch.rows)) as tf.Scalar;
      parts.sharpeningKl = draw.minibatchKl;
    }
    return { loss, state, tokens: batch.rows, parts };
  }
}
