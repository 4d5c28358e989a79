import { join } from 'node:path';
import {
  type EnsembleEvaluation,
  type EvaluationWindowSource,
  evaluateEnsemble,
  type LanguageModel,
} from '@bayesrnn/models';
import { createPsgld, createSgld } from '@bayesrnn/samplers';
import {
  createSamplerOptimizer,
  type Optimizer,
  openSampleBank,
  type SampleBankOptions,
  thinnedSampleBank,
} from '@bayesrnn/train';
import type { LmSamplingConfig, LmTrainingConfig } from './settings.js';

/** The run's sample folder (`@bayesrnn/train`'s sample bank). */
export function samplesDir(runDir: string): string {
  return join(runDir, 'samples');
}

/**
 * The sampler for `--method sgld|psgld` as the trainer's optimiser. The LM loss is the NLL
 * summed over a window's steps and averaged over the batch, so the full-data potential is
 * `U = N·L − log p(θ)` with `N = batch × windows per epoch` (every training token counted once:
 * `Σ_n NLL_n = (tokens / steps) · L`). Prior N(0, 1) (Gan et al. §2.1); pSGLD with β = 0.99
 * (their Algorithm 1) and the given λ; temperature 1 (the textbook noise, papers.md §2.9) unless
 * the run sets one.
 */
export function samplerOptimizerFor(
  method: 'sgld' | 'psgld',
  datasetSize: number,
  lambda: number,
  temperature = 1,
): Optimizer {
  if (method === 'sgld') {
    return createSamplerOptimizer(createSgld({ datasetSize, temperature }), 'sgld');
  }
  return createSamplerOptimizer(
    createPsgld({ datasetSize, beta: 0.99, lambda, temperature }),
    'psgld',
  );
}

/** The sample bank settings of a preset, or 1/4 of the run as burn-in and then 20 samples. */
export function sampleBankFor(
  sampling: LmSamplingConfig | undefined,
  training: LmTrainingConfig,
  windowsPerEpoch: number,
): SampleBankOptions {
  if (sampling !== undefined) {
    const { burnInSteps, thinning, maxSamples } = sampling;
    return { burnIn: burnInSteps, thinning, maxSamples };
  }
  return { ...thinnedSampleBank(training.epochs * windowsPerEpoch), maxSamples: 1000 };
}

/**
 * Scores the kept samples of a run and their averaged predictive, one sample at a time: all
 * of them, or only the `last` K (a longer burn-in chosen after the fact, for a chain that was
 * still moving when sampling began).
 */
export async function evaluateSamples(
  runDir: string,
  model: LanguageModel,
  windows: EvaluationWindowSource,
  label: string,
  last?: number,
): Promise<EnsembleEvaluation & { readonly steps: readonly number[] }> {
  const bank = await openSampleBank(samplesDir(runDir));
  const kept = bank.steps();
  if (kept.length === 0)
    throw new Error(`${runDir}: no samples were kept (the run ended inside its burn-in)`);
  const first = last === undefined ? 0 : Math.max(0, kept.length - last);
  const steps = kept.slice(first);
  const result = await evaluateEnsemble(
    model,
    { count: steps.length, load: (i) => bank.load(first + i) },
    windows,
    {
      onMember: (done, total) => {
        if (done === total || done % 5 === 0)
          console.error(`bayesrnn-lm: ${label}: sample ${done}/${total}`);
      },
    },
  );
  bank.dispose();
  return { ...result, steps };
}
