import type { Weights } from '@bayesrnn/spec';
import * as tf from '@tensorflow/tfjs-core';
import { createRunningPredictive } from './running-predictive.js';

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
 * Scores one member: hands the target log-probabilities of each scored unit `index` (a
 * window, a batch of captions) to `add`, in the same units and order for every member.
 */
export type ScoreMember = (
  weights: Weights,
  add: (index: number, logProbabilities: Float32Array) => void,
) => Promise<void>;

/**
 * The member loop every model's ensemble evaluation shares: members loaded and freed one by
 * one (so many samples are never held at once; cost linear in their number), each scored by
 * `scoreMember`, their predictive probabilities averaged token by token,
 * `p̄ = (1/S) Σ_s p(y | x, θ_s)`, never their log-probabilities.
 *
 * @throws {Error} `<who>: the ensemble has no member`.
 */
export async function averageEnsemblePerplexity(
  ensemble: Ensemble,
  scoreMember: ScoreMember,
  options: { readonly who: string; readonly onMember?: (done: number, total: number) => void },
): Promise<EnsembleEvaluation> {
  if (ensemble.count < 1) throw new Error(`${options.who}: the ensemble has no member`);
  const predictive = createRunningPredictive();
  const memberPerplexities: number[] = [];
  const averagedPerplexities: number[] = [];
  for (let member = 0; member < ensemble.count; member += 1) {
    const weights = await ensemble.load(member);
    try {
      await scoreMember(weights, (index, logProbabilities) =>
        predictive.add(index, logProbabilities),
      );
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
