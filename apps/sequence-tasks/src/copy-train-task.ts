import { makeCopyBatch } from '@bayesrnn/data';
import type { RngKey, Weights } from '@bayesrnn/spec';
import type { EvaluationResult, TrainTask, TrainVariables } from '@bayesrnn/train';
import * as tf from '@tensorflow/tfjs-core';
import type { CopyModel } from './copy-model.js';

/** The copying problem's sizes: S symbols of `symbols`, delay T. */
export interface CopyData {
  readonly batchSize: number;
  readonly copyLength: number;
  readonly delay: number;
  readonly symbols: number;
}

/** Scores on a held-out batch: the copy is what matters; `ce` is the training loss. */
export interface CopyEvaluation extends EvaluationResult {
  /** Mean cross-entropy over every step, nats. */
  readonly ce: number;
  /** Mean cross-entropy over the S copy steps, nats (chance: ln symbols). */
  readonly copyCe: number;
  /** Fraction of copy steps whose most likely token is the right symbol (chance: 1 / symbols). */
  readonly copyAccuracy: number;
}

/** Cross-entropy of every step and the copy mask, `[batchSize · steps]` each. */
function crossEntropies(model: CopyModel, weights: Weights, key: RngKey, data: CopyData) {
  const batch = makeCopyBatch(key, data);
  const logits = model.logits(weights, batch.inputs);
  const targets = tf.reshape(batch.targets, [-1]);
  const logProbabilities = tf.logSoftmax(logits);
  const picked = tf.sum(
    tf.mul(logProbabilities, tf.oneHot(targets as tf.Tensor1D, batch.vocabularySize)),
    1,
  );
  const mask = tf.reshape(batch.copyMask, [-1]);
  const correct = tf.cast(tf.equal(tf.argMax(logits, 1), targets), 'float32');
  return { ce: tf.neg(picked), mask, correct };
}

/** Held-out scores of `sequences` copy problems of delay `delay` from a fixed key. */
export function evaluateCopy(
  model: CopyModel,
  weights: Weights,
  key: RngKey,
  data: CopyData,
): CopyEvaluation {
  return tf.tidy(() => {
    const { ce, mask, correct } = crossEntropies(model, weights, key, data);
    const masked = (x: tf.Tensor) =>
      tf.div(tf.sum(tf.mul(x, mask)), tf.sum(mask)).dataSync()[0] ?? NaN;
    return {
      ce: tf.mean(ce).dataSync()[0] ?? NaN,
      copyCe: masked(ce),
      copyAccuracy: masked(correct),
    };
  });
}

/**
 * The copying problem as a `@bayesrnn/train` task: every window is a new batch from the
 * window's key; the loss is the cross-entropy over all steps (as the SAB code); `valid` is a
 * fixed held-out batch.
 */
export function createCopyTask(options: {
  readonly model: CopyModel;
  readonly variables: TrainVariables;
  readonly data: CopyData;
  readonly iterationsPerEpoch: number;
  readonly heldOut: { readonly key: RngKey; readonly sequences: number };
}): TrainTask<Record<string, never>> {
  const { model, variables, data, heldOut } = options;
  return {
    variables,
    windowsPerEpoch: options.iterationsPerEpoch,
    initialState: () => ({}),
    windowLoss(_window, state, context) {
      const { ce, mask } = crossEntropies(model, variables, context.key, data);
      const copyCe = tf.div(tf.sum(tf.mul(ce, mask)), tf.sum(mask)) as tf.Scalar;
      return {
        loss: tf.mean(ce) as tf.Scalar,
        state,
        tokens: ce.shape[0] ?? 0,
        parts: { nll: tf.mean(ce) as tf.Scalar, copyCe },
      };
    },
    async evaluate() {
      return evaluateCopy(model, variables, heldOut.key, { ...data, batchSize: heldOut.sequences });
    },
  };
}
