import {
  createGaussianPosterior,
  createSharpenedPosterior,
  scaleMixturePrior,
} from '@bayesrnn/posteriors';
import { createAdam } from '@bayesrnn/train';
import { oursLmStepContender } from '../ours-lm-step.js';

/**
 * BBB with posterior sharpening of the LSTM layers' weights only (`isSharpened`), as the
 * sharpened RNN layers of other libraries do: the extra pass for g_φ then needs no gradient of
 * the softmax kernel or the embedding (the tape skips the 200 × 10,000 kernel's product).
 * Not the issue's `sharpenedOverPlain`, which sharpens every Bayesian weight.
 */
export const bbbSharpenedRecurrent = oursLmStepContender({
  name: 'bbb-sharpened-recurrent',
  description: 'ours: LSTM LM, BBB + sharpening of the LSTM weights only (σ0 0.02, η 1e-3), Adam',
  dropout: { method: 'none' },
  optimizer: () => createAdam(),
  learningRate: 1e-3,
  posterior: (specs, key) =>
    createSharpenedPosterior(
      createGaussianPosterior({
        specs,
        key,
        prior: scaleMixturePrior(),
        isBayesian: (name) => name !== 'softmax/bias',
      }),
      { isSharpened: (name) => name.startsWith('layers/') },
    ),
});
