import { createAdam } from '@bayesrnn/train';
import { GAL_VARIATIONAL_DROPOUT } from '../gal-rates.js';
import { oursLmStepContender } from '../ours-lm-step.js';

/** Our LM step with variational (tied-mask) dropout at Gal's rates, Adam. */
export const variational = oursLmStepContender({
  name: 'variational',
  description: "ours: LSTM LM, variational dropout at Gal's rates (untied), Adam",
  dropout: GAL_VARIATIONAL_DROPOUT,
  optimizer: () => createAdam(),
  learningRate: 1e-3,
});
