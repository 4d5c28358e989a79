import {
  createGaussianPosterior,
  createSharpenedPosterior,
  scaleMixturePrior,
} from '@bayesrnn/posteriors';
import { createAdam } from '@bayesrnn/train';
import { oursLmStepContender } from '../ours-lm-step.js';

/** BBB with posterior sharpening: an extra forward/backward pass for g_φ per window (Adam). */
export const bbbSharpened = oursLmStepContender({
  name: 'bbb-sharpened',
  description: 'ours: LSTM LM, BBB + posterior sharpening (σ0 0.02, η 1e-3), Adam',
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
    ),
});
