import { createRmsprop } from '@bayesrnn/train';
import { type OursLmStepOptions, oursLmStepContender } from '../ours-lm-step.js';

/** Our plain LM step with RMSprop: the baseline of the pSGLD ratio. */
export const RMSPROP_OPTIONS: OursLmStepOptions = {
  name: 'rmsprop',
  description: 'ours: LSTM LM, no dropout, RMSprop β 0.99, ε 1e-8 (the pSGLD baseline)',
  dropout: { method: 'none' },
  optimizer: () => createRmsprop({ decay: 0.99, epsilon: 1e-8 }),
  learningRate: 1e-3,
};

export const rmsprop = oursLmStepContender(RMSPROP_OPTIONS);
