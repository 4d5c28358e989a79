import { createKey } from '@bayesrnn/core';
import type { Weights } from '@bayesrnn/spec';
import * as tf from '@tensorflow/tfjs-core';
import { scorePass } from './evaluate-language-model.js';
import type { LanguageModel } from './language-model.js';
import { createRunningPredictive } from './running-predictive.js';
import type { EvaluationWindowSource } from './window-source.js';

/** Members loaded one at a time (e.g. `@bayesrnn/train`'s sample bank). */
export interface Ensemble {
  readonly count: number;
  /** Member `index`'s weights; the caller disposes them. */
  load(index: number): Promise<Weights>;
}

/** Model averaging over an ensemble, with the curves that show where its gain comes from. */
export interface EnsembleEvaluation {
  /** Perplexity of the averaged predictive over all members (Gan et al. 2017, eq. 5). */
  readonly perplexity: number;
  readonly nll: number;
  readonly tokens: number;
  /** Each member's own perplexity, in order. */
  readonly memberPerplexities: readonly number[];
  /** Perplexity of the average over members `0 … s`, for each `s`. */
  readonly averagedPerplexities: readonly number[];
}

/**
 * Scores every member deterministically (dropout off, as in Gan et al.'s code) and averages
 * their predictive probabilities token by token: `p̄ = (1/S) Σ_s p(y | x, θ_s)`. Members are
 * loaded and freed one by one, so evaluating many samples never holds them all; cost is linear
 * in the number of members.
 */
export async function evaluateEnsemble(
  model: LanguageModel,
  ensemble: Ensemble,
  windows: EvaluationWindowSource,
  options: { readonly onMember?: (done: number, total: number) => void } = {},
): Promise<EnsembleEvaluation> {
  if (ensemble.count < 1) throw new Error('evaluateEnsemble: the ensemble has no member');
  const predictive = createRunningPredictive();
  const memberPerplexities: number[] = [];
  const averagedPerplexities: number[] = [];
  for (let member = 0; member < ensemble.count; member += 1) {
    const weights = await ensemble.load(member);
    try {
      await scorePass(model, weights, windows, {
        training: false,
        key: createKey(0),
        onWindow: (index, logProbabilities) => predictive.add(index, logProbabilities),
      });
    } finally {
      tf.dispose(Object.values(weights));
    }
    predictive.endMember();
    memberPerplexities.push(Math.exp(predictive.lastMemberNll()));
    averagedPerplexities.push(Math.exp(predictive.nll().nll));
    options.onMember?.(member + 1, ensemble.count);
  }
  const { nll, tokens } = predictive.nll();
  return { perplexity: Math.exp(nll), nll, tokens, memberPerplexities, averagedPerplexities };
}
