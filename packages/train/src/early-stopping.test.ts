import { describe, expect, it } from 'vitest';
import {
  type EarlyStoppingState,
  INITIAL_EARLY_STOPPING_STATE,
  updateEarlyStopping,
} from './early-stopping.js';

function replay(
  values: readonly number[],
  monitor: { mode: 'min' | 'max'; patience: number; minDelta: number },
): { state: EarlyStoppingState; improved: boolean[]; stoppedAt: number | undefined } {
  let state = INITIAL_EARLY_STOPPING_STATE;
  const improved: boolean[] = [];
  for (const [epoch, value] of values.entries()) {
    const update = updateEarlyStopping(state, value, { epoch, step: 10 * (epoch + 1) }, monitor);
    state = update.state;
    improved.push(update.improved);
    if (update.stop) return { state, improved, stoppedAt: epoch };
  }
  return { state, improved, stoppedAt: undefined };
}

describe('updateEarlyStopping', () => {
  it('keeps the best and stops after `patience` epochs without improvement', () => {
    const { state, improved, stoppedAt } = replay([5, 4, 4.5, 4.2, 3.9], {
      mode: 'min',
      patience: 2,
      minDelta: 0,
    });
    expect(improved).toEqual([true, true, false, false]);
    expect(stoppedAt).toBe(3);
    expect(state).toEqual({ best: 4, bestEpoch: 1, bestStep: 20, badEpochs: 2 });
  });

  it('resets the count on an improvement, and respects minDelta', () => {
    const { improved, stoppedAt } = replay([5, 6, 4, 3.95, 3.5], {
      mode: 'min',
      patience: 2,
      minDelta: 0.1,
    });
    expect(improved).toEqual([true, false, true, false, true]);
    expect(stoppedAt).toBeUndefined();
  });

  it('maximises in max mode; NaN never improves; Infinity patience never stops', () => {
    const { state, improved, stoppedAt } = replay([0.5, Number.NaN, 0.7, 0.6, 0.6, 0.6], {
      mode: 'max',
      patience: Number.POSITIVE_INFINITY,
      minDelta: 0,
    });
    expect(improved).toEqual([true, false, true, false, false, false]);
    expect(stoppedAt).toBeUndefined();
    expect(state.best).toBe(0.7);
  });
});
