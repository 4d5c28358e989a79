import { foldIn } from '@bayesrnn/core';
import { makeRecallBatch, type RecallBatchOptions } from '@bayesrnn/data';
import { type Gtmm, gtmmNoise } from '@bayesrnn/gtmm';
import type { RngKey, Weights } from '@bayesrnn/spec';
import type { EvaluationResult, TrainTask, TrainVariables } from '@bayesrnn/train';
import * as tf from '@tensorflow/tfjs-core';

/** The bound's terms on a held-out set, per frame and by position. */
export interface RecallEvaluation extends EvaluationResult {
  /** Negative ELBO per frame, −F / (batch · steps), in nats: reconstruction + kl. */
  readonly bound: number;
  readonly reconstruction: number;
  readonly kl: number;
  /** Mean KL of the recall frames: what memory should drive toward 0. */
  readonly recallKl: number;
  /** Mean KL of the pre-recall frames: novel frames, costly for every model. */
  readonly preRecallKl: number;
}

/** Mean KL of each frame position over a held-out batch, `[sequenceLength]`. */
export type KlByStep = readonly number[];

/** A fixed held-out batch: its key fixes the sequences and the posterior draws. */
export interface HeldOutSet {
  readonly key: RngKey;
  readonly sequences: number;
}

export interface RecallGtmmTaskOptions {
  readonly gtmm: Gtmm;
  readonly variables: TrainVariables;
  /** Task, alphabet, batch size and lengths of every training batch. */
  readonly batch: RecallBatchOptions & { readonly batchSize: number };
  readonly iterationsPerEpoch: number;
  /** The `valid` split. */
  readonly heldOut: HeldOutSet;
}

function sequenceLength(batch: RecallGtmmTaskOptions['batch']): number {
  return (batch.preRecall ?? 10) + (batch.recall ?? 3);
}

/**
 * Runs the model on one freshly generated batch from `key` (data from `foldIn(key, 'data')`,
 * the draws from `foldIn(key, 'noise')`), returning the per-frame terms `[batchSize, steps]`
 * and the batch's recall mask. Everything made here is the caller's.
 */
export function scoreBatch(
  gtmm: Gtmm,
  weights: Weights,
  key: RngKey,
  batch: RecallGtmmTaskOptions['batch'],
) {
  const data = makeRecallBatch(foldIn(key, 'data'), batch);
  const steps = data.frames.shape[1];
  const noise = gtmmNoise(foldIn(key, 'noise'), batch.batchSize, steps, gtmm.config.latentSize);
  const terms = gtmm.run(weights, data.frames, noise);
  tf.dispose([data.frames, data.labels, noise]);
  return { ...terms, recallMask: data.recallMask };
}

/** `Σ values · mask / Σ mask` as a number. */
function maskedMean(values: tf.Tensor2D, mask: tf.Tensor2D): number {
  return tf.tidy(() => tf.div(tf.sum(tf.mul(values, mask)), tf.sum(mask)).dataSync()[0] ?? NaN);
}

/** The held-out terms, and the KL of every position (what the paper's figures plot). */
export function evaluateHeldOut(
  gtmm: Gtmm,
  weights: Weights,
  batch: RecallGtmmTaskOptions['batch'],
  heldOut: HeldOutSet,
): { metrics: RecallEvaluation; klByStep: KlByStep } {
  return tf.tidy(() => {
    const held = { ...batch, batchSize: heldOut.sequences };
    const { nll, kl, recallMask } = scoreBatch(gtmm, weights, heldOut.key, held);
    const mean = (x: tf.Tensor) => tf.mean(x).dataSync()[0] ?? Number.NaN;
    const metrics: RecallEvaluation = {
      bound: mean(tf.add(nll, kl)),
      reconstruction: mean(nll),
      kl: mean(kl),
      recallKl: maskedMean(kl, recallMask),
      preRecallKl: maskedMean(kl, tf.sub(1, recallMask) as tf.Tensor2D),
    };
    return { metrics, klByStep: Array.from(tf.mean(kl, 0).dataSync()) };
  });
}

/**
 * The recall tasks as a `@bayesrnn/train` task: every window is a new batch of sequences
 * drawn from the window's key (so a resumed run sees the same batches), and the loss is the
 * negative ELBO per frame, mean over the batch of Σ_t (nll_t + kl_t) / steps (Gemici et al.
 * 2017, eq. 5–6). No state is carried: each batch is whole sequences.
 */
export function createRecallGtmmTask(
  options: RecallGtmmTaskOptions,
): TrainTask<Record<string, never>> {
  const { gtmm, variables, batch, heldOut } = options;
  const tokens = batch.batchSize * sequenceLength(batch);
  return {
    variables,
    windowsPerEpoch: options.iterationsPerEpoch,
    // The loss is a bound per frame in nats, not a per-token NLL.
    perplexity: false,
    initialState: () => ({}),
    windowLoss(_window, state, context) {
      const { nll, kl, recallMask } = scoreBatch(gtmm, variables, context.key, batch);
      const reconstruction = tf.mean(nll) as tf.Scalar;
      const klPerFrame = tf.mean(kl) as tf.Scalar;
      recallMask.dispose();
      return {
        loss: tf.add(reconstruction, klPerFrame),
        state,
        tokens,
        parts: { reconstruction, kl: klPerFrame },
      };
    },
    async evaluate() {
      return evaluateHeldOut(gtmm, variables, batch, heldOut).metrics;
    },
  };
}
