import { join } from 'node:path';
import type { LanguageModel } from '@bayesrnn/models';
import type { LmCorpus } from './corpus.js';
import type { LmResults, SplitResults } from './results.js';
import { writeJson } from './run-files.js';
import { evaluateSamples } from './sgmcmc-setup.js';

/**
 * For an SG-MCMC run: scores the sample bank on valid and test and rewrites the split results
 * so that `perplexity` is the averaged predictive's (Gan et al. 2017, eq. 5), beside
 * `lastSamplePerplexity` and `lastIteratePerplexity`; writes the per-sample and running-average
 * curves to `ensemble.json`.
 */
export async function withSampleAveraging(
  results: LmResults,
  runDir: string,
  model: LanguageModel,
  corpus: LmCorpus,
): Promise<LmResults> {
  const curves: Record<string, unknown> = {};
  const averaged = async (split: 'valid' | 'test', plain: SplitResults): Promise<SplitResults> => {
    const ensemble = await evaluateSamples(
      runDir,
      model,
      corpus.evaluation[split],
      `averaging samples on ${split}`,
    );
    curves[split] = ensemble;
    return {
      ...plain,
      perplexity: ensemble.perplexity,
      nll: ensemble.nll,
      lastSamplePerplexity:
        ensemble.memberPerplexities[ensemble.memberPerplexities.length - 1] ?? Number.NaN,
      lastIteratePerplexity: plain.perplexity,
    };
  };
  const valid = await averaged('valid', results.valid);
  const test = await averaged('test', results.test);
  await writeJson(join(runDir, 'ensemble.json'), curves);
  const samples = (curves.valid as { steps: readonly number[] }).steps.length;
  return { ...results, valid, test, samples };
}
