import { createGaussianPosterior, scaleMixturePrior } from '@bayesrnn/posteriors';
import { createAdam } from '@bayesrnn/train';
import { type OursLmStepOptions, oursLmStepContender } from '../ours-lm-step.js';

/** Bayes by Backprop: one Gaussian draw per window, scale-mixture prior, sample KL (Adam). */
export const BBB_OPTIONS: OursLmStepOptions = {
  name: 'bbb',
  description: 'ours: LSTM LM, Bayes by Backprop (Gaussian posterior, mixture prior), Adam',
  dropout: { method: 'none' },
  optimizer: () => createAdam(),
  learningRate: 1e-3,
  posterior: (specs, key) =>
    createGaussianPosterior({
      specs,
      key,
      prior: scaleMixturePrior(),
      isBayesian: (name) => name !== 'softmax/bias',
    }),
};

export const bbb = oursLmStepContender(BBB_OPTIONS);
