import { createPsgld } from '@bayesrnn/samplers';
import {
  createRmsprop,
  createSamplerOptimizer,
  type Optimizer,
  type SampleBankOptions,
  thinnedSampleBank,
} from '@bayesrnn/train';
import { METHOD_PLANS } from './methods.js';
import type { ClassifyRunConfig } from './train-options.js';

/**
 * λ of RMSprop and of pSGLD's preconditioner `G⁻¹ = 1/(λ + √v)`. Gan et al. use 1e-8, but a
 * weight whose gradient is zero (the embedding row of a word absent from the minibatch, early
 * steps with v ≈ 0) then gets `G⁻¹ = 1e8` and Langevin noise of std ≈ √(2η·1e8/N) per step —
 * about 6 at η = 1e-3, N = 5,000: the chain diverges. 1e-3 caps it at ≈ 0.02 (the language-model
 * app's choice, for the same reason); RMSprop gets the same λ, so that `rmsprop` and `psgld`
 * differ only by the noise.
 */
export const PRECONDITIONER_LAMBDA = 1e-3;

/** What drives a run's updates, and for pSGLD which iterates are kept as samples. */
export interface UpdateRule {
  readonly optimizer: Optimizer;
  readonly sampleBank: SampleBankOptions | undefined;
}

/**
 * RMSprop (β = 0.99, Gan et al.'s Algorithm 1 setting) or pSGLD with the same β and λ. The
 * classifier's loss is the mean cross-entropy per sentence, so the full-data potential is
 * `U = N·L − log p(θ)` with `N` the training sentences, prior N(0, 1) (Gan et al. §2.1).
 * pSGLD keeps `samples` thinned iterates after the burn-in (papers.md §2.5); its noise
 * variance is scaled by the run's temperature.
 */
export function updateRuleFor(
  config: ClassifyRunConfig,
  train: { readonly batchesPerEpoch: number; readonly examples: number },
): UpdateRule {
  if (METHOD_PLANS[config.method].update === 'rmsprop') {
    return {
      optimizer: createRmsprop({ decay: 0.99, epsilon: PRECONDITIONER_LAMBDA }),
      sampleBank: undefined,
    };
  }
  const totalSteps = config.epochs * train.batchesPerEpoch;
  return {
    optimizer: createSamplerOptimizer(
      createPsgld({
        datasetSize: train.examples,
        beta: 0.99,
        lambda: PRECONDITIONER_LAMBDA,
        temperature: config.temperature,
      }),
      'psgld',
    ),
    sampleBank: thinnedSampleBank(totalSteps, {
      ...(config.burnInEpochs === undefined
        ? {}
        : { burnIn: config.burnInEpochs * train.batchesPerEpoch }),
      samples: config.samples,
    }),
  };
}
