import { createKey } from '@bayesrnn/core';
import {
  averageEnsemblePerplexity,
  type Ensemble,
  type EnsembleEvaluation,
  type ScoreMember,
} from './ensemble-perplexity.js';
import { scorePass } from './evaluate-language-model.js';
import type { LanguageModel } from './language-model.js';
import type { EvaluationWindowSource } from './window-source.js';

export type { Ensemble, EnsembleEvaluation };

/**
 * Scores every member deterministically (dropout off, as in Gan et al.'s code) and averages
 * their predictive probabilities token by token: `p̄ = (1/S) Σ_s p(y | x, θ_s)`. Members are
 * loaded and freed one by one, so evaluating many samples never holds them all; cost is linear
 * in the number of members.
 */
export function evaluateEnsemble(
  model: LanguageModel,
  ensemble: Ensemble,
  windows: EvaluationWindowSource,
  options: { readonly onMember?: (done: number, total: number) => void } = {},
): Promise<EnsembleEvaluation> {
  const scoreMember: ScoreMember = (weights, add) =>
    scorePass(model, weights, windows, { training: false, key: createKey(0), onWindow: add });
  return averageEnsemblePerplexity(ensemble, scoreMember, { who: 'evaluateEnsemble', ...options });
}
