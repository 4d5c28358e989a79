import { type OursLmStepOptions, oursLmStepContender } from '../ours-lm-step.js';
import { PLAIN_OPTIONS } from './plain.js';

/** The plain step with GRU cells instead of LSTMs (same shape, no dropout, Adam). */
export const GRU_OPTIONS: OursLmStepOptions = {
  ...PLAIN_OPTIONS,
  name: 'gru',
  description: 'ours: GRU LM, no dropout, Adam (the plain step with cell: gru)',
  cell: 'gru',
};

export const gru = oursLmStepContender(GRU_OPTIONS);
