import { assertKey, createKey, foldIn } from '@bayesrnn/core';
import type { RngKey, WeightSource, Weights } from '@bayesrnn/spec';
import * as tf from '@tensorflow/tfjs-core';
import type { Ensemble } from '../evaluate-ensemble.js';
import { weightsForPass } from '../pass-weights.js';
import type { ClassificationEvaluationSource } from './classification-batch.js';
import {
  type ClassifierPredictive,
  type ClassifierScores,
  createClassifierPredictive,
} from './classifier-predictive.js';
import type { ClassifierLogitsOptions, SentenceClassifier } from './sentence-classifier.js';

/** Options of `evaluateClassifier`. */
export interface ClassifierEvaluateOptions {
  /** Key of the MC passes' masks and draws (pass `k`, batch `b`: masks from `foldIn(foldIn(key, k), b)`). */
  readonly key: RngKey;
  /**
   * Monte-Carlo passes `K`: `1` (default) is one deterministic pass, masks off and, for a
   * weight source, its mean; `K > 1` averages the class probabilities of K passes, each with
   * fresh training-mode dropout masks and, for a weight source, its own draw.
   */
  readonly samples?: number;
  /** Called after each batch of each pass. */
  readonly onProgress?: (done: number, total: number) => void;
}

/** Test error and NLL of a model average, with the curves that show where its gain comes from. */
export interface ClassifierEnsembleEvaluation {
  /** Error in % of the averaged predictive over all members (Gan et al. 2017, eq. 5). */
  readonly error: number;
  /** Mean NLL per example of the averaged predictive. */
  readonly nll: number;
  readonly examples: number;
  /** Brier score and expected calibration error (%) of the averaged predictive. */
  readonly brier: number;
  readonly ece: number;
  /** Each member's own error in %, in order. */
  readonly memberErrors: readonly number[];
  /** Error in % of the average over members `0 … s`, for each `s`. */
  readonly averagedErrors: readonly number[];
}

/** Adds every batch's log-probabilities `[rows, classes]` under `weights` to the predictives. */
function scoreSplit(
  model: SentenceClassifier,
  weights: Weights,
  source: ClassificationEvaluationSource,
  pass: { readonly key: RngKey; readonly training: boolean },
  predictives: readonly ClassifierPredictive[],
  onBatch: (index: number) => void,
): void {
  for (let index = 0; index < source.batches; index += 1) {
    const batch = source.batch(index);
    const options: ClassifierLogitsOptions = {
      key: foldIn(pass.key, index),
      training: pass.training,
    };
    const logProbabilities = tf.tidy(() => tf.logSoftmax(model.logits(weights, batch, options)));
    for (const predictive of predictives) predictive.add(index, logProbabilities, batch.labels);
    logProbabilities.dispose();
    onBatch(index);
  }
}

/**
 * Scores a classifier on an evaluation split: test error and accuracy in %, and the mean NLL
 * per example. With `samples = K > 1` (MC dropout, Gal & Ghahramani 2016; posterior samples)
 * the prediction is the mean of the K passes' probabilities, `p̄ = (1/K) Σ_k softmax(logits_k)`,
 * never of their log-probabilities. Leaves no tensor behind.
 */
export async function evaluateClassifier(
  model: SentenceClassifier,
  weights: Weights | WeightSource,
  source: ClassificationEvaluationSource,
  options: ClassifierEvaluateOptions,
): Promise<ClassifierScores> {
  assertKey(options.key, 'evaluateClassifier');
  const passes = Math.max(1, Math.floor(options.samples ?? 1));
  const predictive = createClassifierPredictive();
  try {
    for (let pass = 0; pass < passes; pass += 1) {
      const passKey = foldIn(options.key, pass);
      const passWeights = weightsForPass(weights, passes > 1, foldIn(passKey, 'weights'));
      try {
        scoreSplit(
          model,
          passWeights.weights,
          source,
          { key: passKey, training: passes > 1 },
          [predictive],
          (index) =>
            options.onProgress?.(pass * source.batches + index + 1, passes * source.batches),
        );
      } finally {
        passWeights.dispose();
      }
    }
    return await predictive.score();
  } finally {
    predictive.dispose();
  }
}

/**
 * Model averaging over an ensemble (e.g. the SG-MCMC samples of `@bayesrnn/train`'s sample
 * bank): every member scored deterministically (dropout off, as Gan et al.'s code), their class
 * probabilities averaged example by example, `p̄(y | x) = (1/S) Σ_s p(y | x, θ_s)` (Gan et al.
 * 2017, eq. 5). Members are loaded and freed one at a time. Leaves no tensor behind.
 */
export async function evaluateClassifierEnsemble(
  model: SentenceClassifier,
  ensemble: Ensemble,
  source: ClassificationEvaluationSource,
  options: { readonly onMember?: (done: number, total: number) => void } = {},
): Promise<ClassifierEnsembleEvaluation> {
  if (ensemble.count < 1) throw new Error('evaluateClassifierEnsemble: the ensemble has no member');
  const averaged = createClassifierPredictive();
  const memberErrors: number[] = [];
  const averagedErrors: number[] = [];
  try {
    for (let member = 0; member < ensemble.count; member += 1) {
      const alone = createClassifierPredictive();
      const weights = await ensemble.load(member);
      try {
        const pass = { key: createKey(0), training: false };
        scoreSplit(model, weights, source, pass, [averaged, alone], () => {});
        memberErrors.push((await alone.score()).error);
      } finally {
        tf.dispose(Object.values(weights));
        alone.dispose();
      }
      averagedErrors.push((await averaged.score()).error);
      options.onMember?.(member + 1, ensemble.count);
    }
    const { error, nll, examples, brier, ece } = await averaged.score();
    return { error, nll, examples, brier, ece, memberErrors, averagedErrors };
  } finally {
    averaged.dispose();
  }
}
