/** Which validation number decides the best model and early stopping. */
export interface MonitorConfig {
  /** Split passed to `TrainTask.evaluate` after each epoch. */
  readonly split: string;
  /** Key of the `EvaluationResult` compared, e.g. `'nll'` or `'perplexity'`. */
  readonly metric: string;
  /** `'min'` for losses and perplexities, `'max'` for accuracies. */
  readonly mode: 'min' | 'max';
  /** Epochs without improvement before stopping; `Infinity` never stops early. */
  readonly patience: number;
  /** An improvement must beat the best by more than this (in the metric's units). */
  readonly minDelta: number;
}

/** Early-stopping bookkeeping: a plain JSON-able record, stored in every checkpoint. */
export interface EarlyStoppingState {
  /** The best metric so far, `null` before the first finite one. */
  readonly best: number | null;
  /** Zero-based epoch of the best metric, `null` before it. */
  readonly bestEpoch: number | null;
  /** One-based step count at the end of that epoch, `null` before it. */
  readonly bestStep: number | null;
  /** Epochs since the last improvement. */
  readonly badEpochs: number;
}

/** The state before any evaluation. */
export const INITIAL_EARLY_STOPPING_STATE: EarlyStoppingState = {
  best: null,
  bestEpoch: null,
  bestStep: null,
  badEpochs: 0,
};

/** What one epoch's validation metric did to the early-stopping state. */
export interface EarlyStoppingUpdate {
  readonly state: EarlyStoppingState;
  /** A new best: save it to `best/`. */
  readonly improved: boolean;
  /** Patience exhausted: stop training. */
  readonly stop: boolean;
}

/**
 * Patience-based early stopping (Prechelt 1998): an epoch improves when its metric is finite
 * and beats the best by more than `minDelta` (`value < best − minDelta` for `'min'`,
 * `value > best + minDelta` for `'max'`); after `patience` epochs in a row without one,
 * stop. A NaN metric never improves.
 */
export function updateEarlyStopping(
  state: EarlyStoppingState,
  value: number,
  position: { readonly epoch: number; readonly step: number },
  monitor: Pick<MonitorConfig, 'mode' | 'patience' | 'minDelta'>,
): EarlyStoppingUpdate {
  const { mode, patience, minDelta } = monitor;
  const improved =
    Number.isFinite(value) &&
    (state.best === null ||
      (mode === 'min' ? value < state.best - minDelta : value > state.best + minDelta));
  if (improved) {
    return {
      state: { best: value, bestEpoch: position.epoch, bestStep: position.step, badEpochs: 0 },
      improved,
      stop: false,
    };
  }
  const badEpochs = state.badEpochs + 1;
  return { state: { ...state, badEpochs }, improved, stop: badEpochs >= patience };
}
