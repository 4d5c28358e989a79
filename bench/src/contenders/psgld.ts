import { createPsgld } from '@bayesrnn/samplers';
import { createSamplerOptimizer } from '@bayesrnn/train';
import { type OursLmStepOptions, oursLmStepContender } from '../ours-lm-step.js';

/** pSGLD: RMSprop's preconditioner plus Langevin noise (the `rmsprop` contender's twin). */
export const PSGLD_OPTIONS: OursLmStepOptions = {
  name: 'psgld',
  description: 'ours: LSTM LM, pSGLD (β 0.99, λ 1e-8, N = 26,540 windows × batch)',
  dropout: { method: 'none' },
  optimizer: () =>
    createSamplerOptimizer(createPsgld({ datasetSize: 26_540, lambda: 1e-8 }), 'psgld'),
  learningRate: 1e-3,
};

export const psgld = oursLmStepContender(PSGLD_OPTIONS);
