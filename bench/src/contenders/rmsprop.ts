import { createRmsprop } from '@bayesrnn/train';
import { oursLmStepContender } from '../ours-lm-step.js';

/** Our plain LM step with RMSprop: the baseline of the pSGLD ratio. */
export const rmsprop = oursLmStepContender({
  name: 'rmsprop',
  description: 'ours: LSTM LM, no dropout, RMSprop β 0.99, ε 1e-8 (the pSGLD baseline)',
  dropout: { method: 'none' },
  optimizer: () => createRmsprop({ decay: 0.99, epsilon: 1e-8 }),
  learningRate: 1e-3,
});
