import { mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createKey, writeFileAtomic } from '@bayesrnn/core';
import { loadVocabulary, saveVocabulary, type Vocabulary } from '@bayesrnn/data';
import type { LanguageModel, LanguageModelConfig } from '@bayesrnn/models';
import { checkSameRunConfig, restoreBestModel } from '@bayesrnn/train';
import { createRunPosterior, type RunPosterior, type RunPosteriorConfig } from './run-posterior.js';
import type { LmDataConfig, LmMethod, LmTrainingConfig } from './settings.js';

/** Everything needed to rebuild a run's model and data: `outDir/config.json`. */
export interface RunConfig {
  readonly preset: string;
  readonly method: LmMethod;
  readonly seed: number;
  readonly dataDir: string;
  readonly model: LanguageModelConfig;
  readonly training: LmTrainingConfig;
  readonly data: LmDataConfig;
  /** The learned weight distribution (absent in runs older than posteriors: point weights). */
  readonly posterior?: RunPosteriorConfig;
}

/** The files of a run directory. */
export const RUN_FILES = {
  config: 'config.json',
  vocabulary: 'vocabulary.json',
  results: 'results.json',
  best: 'best',
} as const;

/** Writes `config.json` and `vocabulary.json` (atomically) into a new or existing run directory. */
export async function writeRunSetup(
  outDir: string,
  config: RunConfig,
  vocabulary: Vocabulary,
): Promise<void> {
  await mkdir(outDir, { recursive: true });
  await writeJson(join(outDir, RUN_FILES.config), config);
  await saveVocabulary(join(outDir, RUN_FILES.vocabulary), vocabulary);
}

/**
 * Before `--resume`: refuses when the run in `outDir` was started with different settings
 * (method, preset, prior, dropout, epochs…), which would otherwise be overwritten silently and
 * continue a run that no longer matches its config. Returns quietly when there is no run yet.
 *
 * @throws an Error naming the run directory and the settings that differ.
 */
export async function checkResumableRun(outDir: string, config: RunConfig): Promise<void> {
  await checkSameRunConfig(join(outDir, RUN_FILES.config), config);
}

/** Reads a run's config and vocabulary, with an error that names the run directory. */
export async function readRunSetup(
  runDir: string,
): Promise<{ config: RunConfig; vocabulary: Vocabulary }> {
  let text: string;
  try {
    text = await readFile(join(runDir, RUN_FILES.config), 'utf8');
  } catch {
    throw new Error(
      `${runDir} is not a bayesrnn-lm run: ${RUN_FILES.config} is missing (train one with 'bayesrnn-lm train --out ${runDir}')`,
    );
  }
  const config = JSON.parse(text) as RunConfig;
  const vocabulary = await loadVocabulary(join(runDir, RUN_FILES.vocabulary));
  return { config, vocabulary };
}

/**
 * Rebuilds the run's posterior (`config.posterior`) and loads its best variables (`best/`) into
 * it: means, scales and η for Bayesian runs, the weights themselves for point runs.
 */
export async function loadRunPosterior(
  runDir: string,
  config: RunConfig,
  model: LanguageModel,
): Promise<RunPosterior> {
  const run = createRunPosterior(config.posterior ?? { kind: 'point' }, model, createKey(0));
  await restoreBestModel(join(runDir, RUN_FILES.best), run.posterior.variables);
  return run;
}

/** JSON with a trailing newline, written atomically (a kill never leaves half a file). */
export async function writeJson(path: string, value: unknown): Promise<void> {
  await writeFileAtomic(path, `${JSON.stringify(value, null, 2)}\n`);
}
