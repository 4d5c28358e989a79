import type { LmDropoutConfig } from '@bayesrnn/models';

/**
 * Gal & Ghahramani's large rates (as `GAL_RATES` in apps/lm/src/presets.ts): p_x = p_h = 0.3,
 * p_i = p_o = 0.5, untied masks.
 */
export const GAL_VARIATIONAL_DROPOUT: LmDropoutConfig = {
  method: 'variational',
  embedding: 0.3,
  input: 0.5,
  recurrent: 0.3,
  output: 0.5,
  tied: false,
};
