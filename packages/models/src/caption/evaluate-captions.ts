import { createKey } from '@bayesrnn/core';
import { tokenNll } from '@bayesrnn/metrics';
import type { WeightSource, Weights } from '@bayesrnn/spec';
import * as tf from '@tensorflow/tfjs-core';
import type { Ensemble } from '../evaluate-ensemble.js';
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
export interface CaptionEnsembleScores extends CaptionScores {
  readonly memberPerplexities: readonly number[];
  readonly averagedPerplexities: readonly number[];
}

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

/** Adds every batch of a split under `weights` to `predictive` as one member. */
async function scoreMember(
  model: CaptionDecoder,
  weights: Weights,
  source: CaptionEvaluationSource,
  predictive: RunningPredictive,
): Promise<void> {
  for (let index = 0; index < source.batches; index += 1) {
    predictive.add(index, await targetLogProbabilities(model, weights, source.batch(index)));
  }
  predictive.endMember();
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
    await scoreMember(model, pass.weights, source, predictive);
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
export async function evaluateCaptionEnsemble(
  model: CaptionDecoder,
  ensemble: Ensemble,
  source: CaptionEvaluationSource,
  options: { readonly onMember?: (done: number, total: number) => void } = {},
): Promise<CaptionEnsembleScores> {
  if (ensemble.count < 1) throw new Error('evaluateCaptionEnsemble: the ensemble has no member');
  const predictive = createRunningPredictive();
  const memberPerplexities: number[] = [];
  const averagedPerplexities: number[] = [];
  for (let member = 0; member < ensemble.count; member += 1) {
    const weights = await ensemble.load(member);
    try {
      await scoreMember(model, weights, source, predictive);
    } finally {
      tf.dispose(Object.values(weights));
    }
    memberPerplexities.push(Math.exp(predictive.lastMemberNll()));
    averagedPerplexities.push(scores(predictive).perplexity);
    options.onMember?.(member + 1, ensemble.count);
  }
  return { ...scores(predictive), memberPerplexities, averagedPerplexities };
}
