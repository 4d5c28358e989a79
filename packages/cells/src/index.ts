// Re-exports by name only; see the files beside it.
export { dropoutMask, naiveDropout, variationalDropout } from './dropout-mask.js';
export {
  createGruCell,
  DEFAULT_GRU_CONFIG,
  type GruCell,
  type GruConfig,
  type GruState,
  type GruWeightName,
} from './gru-cell.js';
export {
  fusedGruStep,
  fusedGruStepGradient,
  GRU_STEP_GRAD_KERNEL,
  GRU_STEP_KERNEL,
  type GruSavedStep,
  type GruStep,
} from './gru-cell-kernels.js';
export { gruRecurrence } from './gru-recurrence.js';
export {
  createLstmCell,
  DEFAULT_LSTM_CONFIG,
  type LstmCell,
  type LstmConfig,
  type LstmState,
  type LstmWeightName,
} from './lstm-cell.js';
export {
  fusedLstmGates,
  fusedLstmGatesGradient,
  fusedLstmGatesGradientPlus,
  fusedLstmGatesPlus,
  LSTM_CELL_GRAD_KERNEL,
  LSTM_CELL_KERNEL,
  lstmGates,
  type StepView,
} from './lstm-gates.js';
export { lstmRecurrence } from './lstm-recurrence.js';
export {
  disposeRecurrentDropoutWindow,
  NO_DROPOUT,
  type RecurrentDropoutWindow,
  type VariationalDropoutConfig,
} from './recurrent-dropout.js';
export {
  type RecurrentInput,
  tiedRecurrentInput,
  untiedRecurrentInput,
} from './recurrent-input.js';
export {
  createVanillaRnnCell,
  DEFAULT_VANILLA_RNN_CONFIG,
  type VanillaRnnCell,
  type VanillaRnnConfig,
  type VanillaRnnState,
  type VanillaRnnWeightName,
} from './vanilla-rnn-cell.js';
export { vanillaRnnRecurrence } from './vanilla-rnn-window.js';
export { wordTypeDropoutMask } from './word-type-dropout.js';
