import { createKey } from '@bayesrnn/core';
import { tokenNll } from '@bayesrnn/metrics';
import type { WeightSource, Weights } from '@bayesrnn/spec';
import * as tf from '@tensorflow/tfjs-core';
import {
  averageEnsemblePerplexity,
  type Ensemble,
  type EnsembleEvaluation,
  type ScoreMember,
} from '../ensemble-perplexity.js';
import { weightsForPass } from '../pass-weights.js';
import { createRunningPredictive, type RunningPredictive } from '../running-predictive.js';
import type { CaptionBatch, CaptionEvaluationSource } from './caption-batch.js';
import type { CaptionDecoder } from './caption-decoder.js';

/** Teacher-forced scores of a split: mean NLL per word (`<eos>` counted), words, perplexity. */
export interface CaptionScores {
  readonly nll: number;
  readonly tokens: number;
  readonly perplexity: number;
}

/** {@link CaptionScores} of a model average, with each member's and each prefix average's perplexity. */
export type CaptionEnsembleScores = EnsembleEvaluation;

/** The log-probability of every target before its caption's length, row by row. */
async function targetLogProbabilities(
  model: CaptionDecoder,
  weights: Weights,
  batch: CaptionBatch,
): Promise<Float32Array> {
  const { rows, steps, lengths } = batch;
  const perStep = tf.tidy(() => {
    const logits = model.logits(weights, batch, { key: createKey(0), training: false });
    const targets = tf.tensor2d(batch.targets, [rows, steps], 'int32');
    return tf.neg(tokenNll(logits, targets, { checkTargets: false }));
  });
  const all = (await perStep.data()) as Float32Array;
  perStep.dispose();
  const kept: number[] = [];
  for (let row = 0; row < rows; row += 1) {
    const start = row * steps;
    for (let step = 0; step < (lengths[row] ?? 0); step += 1) kept.push(all[start + step] ?? 0);
  }
  return Float32Array.from(kept);
}

function scores(predictive: RunningPredictive): CaptionScores {
  const { nll, tokens } = predictive.nll();
  return { nll, tokens, perplexity: Math.exp(nll) };
}

/**
 * Scores a split teacher-forced with dropout off: plain weights as they are, a weight source
 * (a posterior) by its mean. Perplexity per word, `<eos>` included, as captioning papers report
 * it. Leaves no tensor behind.
 */
export async function evaluateCaptionDecoder(
  model: CaptionDecoder,
  weights: Weights | WeightSource,
  source: CaptionEvaluationSource,
): Promise<CaptionScores> {
  const pass = weightsForPass(weights, false, createKey(0));
  try {
    const predictive = createRunningPredictive();
    for (let index = 0; index < source.batches; index += 1) {
      predictive.add(index, await targetLogProbabilities(model, pass.weights, source.batch(index)));
    }
    predictive.endMember();
    return scores(predictive);
  } finally {
    pass.dispose();
  }
}

/**
 * Model averaging over an ensemble (the SG-MCMC samples of a sample bank): every member scored
 * with dropout off, the probabilities of each target averaged over members,
 * `p̄(w | ·) = (1/S) Σ_s p(w | ·, θ_s)` (Gan et al. 2017, eq. 5). Members are loaded and freed
 * one at a time. Leaves no tensor behind.
 */
export function evaluateCaptionEnsemble(
  model: CaptionDecoder,
  ensemble: Ensemble,
  source: CaptionEvaluationSource,
  options: { readonly onMember?: (done: number, total: number) => void } = {},
): Promise<CaptionEnsembleScores> {
  const scoreMember: ScoreMember = async (weights, add) => {
    for (let index = 0; index < source.batches; index += 1) {
      add(index, await targetLogProbabilities(model, weights, source.batch(index)));
    }
  };
  return averageEnsemblePerplexity(ensemble, scoreMember, {
    who: 'evaluateCaptionEnsemble',
    ...options,
  });
}
