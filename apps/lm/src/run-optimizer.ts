import {
  createAdam,
  createRmsprop,
  createSgd,
  type Optimizer,
  type SampleBankOptions,
} from '@bayesrnn/train';
import { isSampler, type LmMethod, type LmPreset, type LmTrainingConfig } from './settings.js';
import { sampleBankFor, samplerOptimizerFor } from './sgmcmc-setup.js';

/** What drives a run's updates: an optimiser, and for SG-MCMC methods the sample bank. */
export interface RunOptimizer {
  readonly optimizer: Optimizer;
  readonly sampleBank: SampleBankOptions | undefined;
}

/**
 * λ of RMSprop and pSGLD's preconditioner `G⁻¹ = 1/(λ + √v)`. Gan et al. use 1e-8, but with the
 * textbook noise `sqrt(2η G⁻¹/N)` a weight whose gradient is zero (an embedding row absent from
 * the minibatch; early steps with v ≈ 0) gets `G⁻¹ = 1e8` and noise of std ≈ 6 per step (η 1e-3,
 * N 5,000): the chain diverges (measured on the tiny preset). Their released code hides this
 * with a noise √(2/N) times too small (papers.md §2.9). 1e-3 caps the noise at ≈ 0.02 per step;
 * RMSprop gets the same λ so that the two arms differ only by the noise.
 */
export const PRECONDITIONER_LAMBDA = 1e-3;

/**
 * The preset's optimiser for point weights and posteriors; SGLD or pSGLD with a sample bank for
 * `sgld`/`psgld` (sharing the preset's learning-rate schedule). RMSprop and pSGLD use Gan et
 * al.'s β = 0.99 and `PRECONDITIONER_LAMBDA`, so `rmsprop` and `psgld` differ only by the noise.
 */
export function runOptimizerFor(
  method: LmMethod,
  preset: LmPreset,
  training: LmTrainingConfig,
  train: { readonly batchSize: number; readonly windowsPerEpoch: number },
): RunOptimizer {
  if (isSampler(method)) {
    return {
      optimizer: samplerOptimizerFor(
        method,
        train.batchSize * train.windowsPerEpoch,
        PRECONDITIONER_LAMBDA,
        training.temperature,
      ),
      sampleBank: sampleBankFor(preset.sampling, training, train.windowsPerEpoch),
    };
  }
  const weightDecay = training.weightDecay;
  const optimizer =
    training.optimizer === 'sgd'
      ? createSgd({ weightDecay })
      : training.optimizer === 'rmsprop'
        ? createRmsprop({ decay: 0.99, epsilon: PRECONDITIONER_LAMBDA, weightDecay })
        : createAdam({ weightDecay });
  return { optimizer, sampleBank: undefined };
}
