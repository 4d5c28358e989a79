import { createLanguageModel, type LanguageModel } from '@bayesrnn/models';
import { type LmCorpus, loadLmCorpus } from './corpus.js';
import { locateCorpus } from './data-location.js';
import { loadRunPosterior, type RunConfig, readRunSetup } from './run-files.js';
import type { RunPosterior } from './run-posterior.js';

/** A trained run, ready to score: config, model, its best posterior and its corpus. */
export interface OpenRun extends RunPosterior {
  readonly config: RunConfig;
  readonly model: LanguageModel;
  readonly corpus: LmCorpus;
}

/**
 * Opens a run directory for evaluation: reads its config and vocabulary, rebuilds the model
 * and posterior with the best variables, and loads its corpus from `dataDir` (default: the run's) with
 * the run's vocabulary and evaluation batching.
 */
export async function openRun(runDir: string, dataDir?: string): Promise<OpenRun> {
  const { config, vocabulary } = await readRunSetup(runDir);
  const corpus = await loadLmCorpus(
    locateCorpus(config.data.corpus ?? 'ptb', dataDir ?? config.dataDir),
    config.data,
    config.training,
    vocabulary,
  );
  const model = createLanguageModel(config.model);
  const run = await loadRunPosterior(runDir, config, model);
  return { ...run, config, model, corpus };
}
