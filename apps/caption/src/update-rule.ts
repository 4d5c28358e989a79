import { createPsgld } from '@bayesrnn/samplers';
import {
  createRmsprop,
  createSamplerOptimizer,
  type TrainOptions,
  thinnedSampleBank,
} from '@bayesrnn/train';
import { isSampling } from './methods.js';
import type { CaptionRunConfig } from './train-options.js';

/**
 * RMSprop's and pSGLD's `λ`: Gan et al. use 1e-8, with which a word absent from the early
 * batches (v ≈ 0) gets Langevin noise of std ≈ √(2η·1e8/N), a chain that diverges; 1e-3 caps
 * the preconditioner at 1000, as the other apps do. RMSprop gets the same λ, so the two arms
 * differ only by the noise.
 */
const PRECONDITIONER_LAMBDA = 1e-3;

/** How a run updates its weights: the part of `train`'s options the method decides. */
export type CaptionUpdateRule = Pick<TrainOptions, 'optimizer' | 'sampleBank' | 'restoreBest'>;

/**
 * The optimiser of a run and, for pSGLD, which iterates are kept: the thinned samples, and
 * at the end the chain's last iterate (its last sample), not the best validation point. The
 * loss is the summed NLL per caption, so pSGLD's potential is `U = N·L − log p(θ)` with `N`
 * the training captions (Gan et al.'s captioning code passes N that way), prior N(0, 1).
 */
export function captionUpdateRule(
  config: CaptionRunConfig,
  train: { readonly batchesPerEpoch: number; readonly examples: number },
): CaptionUpdateRule {
  const shared = { beta: 0.99, lambda: PRECONDITIONER_LAMBDA };
  if (!isSampling(config.method)) {
    return { optimizer: createRmsprop({ decay: shared.beta, epsilon: shared.lambda }) };
  }
  const psgld = createPsgld({
    ...shared,
    datasetSize: train.examples,
    temperature: config.temperature,
  });
  const burnIn =
    config.burnInEpochs === undefined
      ? {}
      : { burnIn: config.burnInEpochs * train.batchesPerEpoch };
  return {
    optimizer: createSamplerOptimizer(psgld, 'psgld'),
    sampleBank: thinnedSampleBank(config.epochs * train.batchesPerEpoch, {
      ...burnIn,
      samples: config.samples,
    }),
    restoreBest: false,
  };
}
