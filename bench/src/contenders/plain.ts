import { createAdam } from '@bayesrnn/train';
import { type OursLmStepOptions, oursLmStepContender } from '../ours-lm-step.js';

/** Our plain LSTM LM step with Adam: the reference every other ratio is taken against. */
export const PLAIN_OPTIONS: OursLmStepOptions = {
  name: 'plain',
  description: 'ours: LSTM LM, no dropout, Adam (createLanguageModel + runTrainingStep)',
  dropout: { method: 'none' },
  optimizer: () => createAdam(),
  learningRate: 1e-3,
};

export const plain = oursLmStepContender(PLAIN_OPTIONS);
