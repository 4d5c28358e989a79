import {
  createGaussianPosterior,
  createSharpenedPosterior,
  scaleMixturePrior,
} from '@bayesrnn/posteriors';
import { createAdam } from '@bayesrnn/train';
import type { Contender } from '../contender.js';
import { oursLmStepContender } from '../ours-lm-step.js';

/** BBB with posterior sharpening of the weights `isSharpened` picks (default all), Adam. */
function sharpenedContender(
  name: string,
  description: string,
  isSharpened?: (weight: string) => boolean,
): Contender {
  return oursLmStepContender({
    name,
    description,
    dropout: { method: 'none' },
    optimizer: () => createAdam(),
    learningRate: 1e-3,
    posterior: (specs, key) =>
      createSharpenedPosterior(
        createGaussianPosterior({
          specs,
          key,
          prior: scaleMixturePrior(),
          isBayesian: (weight) => weight !== 'softmax/bias',
        }),
        isSharpened === undefined ? {} : { isSharpened },
      ),
  });
}

/** BBB with posterior sharpening: an extra forward/backward pass for g_φ per window (Adam). */
export const bbbSharpened = sharpenedContender(
  'bbb-sharpened',
  'ours: LSTM LM, BBB + posterior sharpening (σ0 0.02, η 1e-3), Adam',
);

/**
 * Sharpening of the LSTM layers' weights only (`isSharpened`), as the sharpened RNN layers of
 * other libraries do: the extra pass for g_φ then needs no gradient of the softmax kernel or
 * the embedding, and skips their products (`matMulBias`). Not the issue's
 * `sharpenedOverPlain`, which sharpens every Bayesian weight.
 */
export const bbbSharpenedRecurrent = sharpenedContender(
  'bbb-sharpened-recurrent',
  'ours: LSTM LM, BBB + sharpening of the LSTM weights only (σ0 0.02, η 1e-3), Adam',
  (weight) => weight.startsWith('layers/'),
);
