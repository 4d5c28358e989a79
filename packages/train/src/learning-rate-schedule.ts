/** Where in training a learning rate is asked for. */
export interface SchedulePosition {
  /** Zero-based epoch. */
  readonly epoch: number;
  /** One-based number of the optimiser step about to be taken. */
  readonly step: number;
}

/** A learning rate as a plain function of the position in training (no hidden state). */
export type LearningRateSchedule = (position: SchedulePosition) => number;

/** `η(epoch, step) = η₀` (η₀ ≥ 0; 0 freezes the variables, which tests use). */
export function constantSchedule(learningRate: number): LearningRateSchedule {
  if (!(Number.isFinite(learningRate) && learningRate >= 0)) {
    throw new RangeError(
      `constantSchedule: learningRate must be finite and ≥ 0, got ${learningRate}`,
    );
  }
  return () => learningRate;
}

/** Settings of `zarembaSchedule`. */
export interface ZarembaScheduleConfig {
  /** `η₀`, the rate of the first epochs. */
  readonly learningRate: number;
  /** Divisor applied once per epoch once decay has started (> 0; 1 means constant). */
  readonly decay: number;
  /** Epochs (counted from 1) run at `η₀` before the first decayed one, Zaremba's `max_epoch`. */
  readonly decayStart: number;
}

/** Zaremba et al. 2014, medium (650 units, 39 epochs): lr 1, ÷1.2 per epoch after epoch 6. */
export const ZAREMBA_MEDIUM_SCHEDULE: ZarembaScheduleConfig = {
  learningRate: 1,
  decay: 1.2,
  decayStart: 6,
};

/** Zaremba et al. 2014, large (1500 units, 55 epochs): lr 1, ÷1.15 per epoch after epoch 14. */
export const ZAREMBA_LARGE_SCHEDULE: ZarembaScheduleConfig = {
  learningRate: 1,
  decay: 1.15,
  decayStart: 14,
};

/**
 * Gal & Ghahramani 2016, large (`main_new_dropout_SOTA_v3.lua`): Zaremba's large schedule
 * but decaying after epoch 10, not 14 (papers.md §3.2: keep 10 to reproduce Gal).
 */
export const GAL_LARGE_SCHEDULE: ZarembaScheduleConfig = {
  learningRate: 1,
  decay: 1.15,
  decayStart: 10,
};

/**
 * Zaremba et al.'s step decay: constant for a while, then divided by `decay` once per epoch.
 * With the zero-based epoch `e`:
 *
 * ```
 * η(e) = η₀ / decay^max(0, e − decayStart)
 * ```
 *
 * This follows the authors' Lua code (`if epoch > max_epoch then lr = lr / decay end`, run at
 * the end of each epoch): with `decayStart = 6` epochs 1–7 (counted from 1) use `η₀`, epoch 8
 * `η₀/1.2`. (TensorFlow's PTB tutorial decays one epoch earlier.)
 */
export function zarembaSchedule(config: ZarembaScheduleConfig): LearningRateSchedule {
  const { learningRate, decay, decayStart } = config;
  checkPositive(learningRate, 'zarembaSchedule: learningRate');
  checkPositive(decay, 'zarembaSchedule: decay');
  if (!(Number.isInteger(decayStart) && decayStart >= 0)) {
    throw new RangeError(`zarembaSchedule: decayStart must be an integer ≥ 0, got ${decayStart}`);
  }
  return ({ epoch }) => learningRate / decay ** Math.max(0, epoch - decayStart);
}

function checkPositive(value: number, what: string): void {
  if (!(Number.isFinite(value) && value > 0)) {
    throw new RangeError(`${what} must be a finite number > 0, got ${value}`);
  }
}
