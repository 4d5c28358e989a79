import type { Cell, Weights } from '@bayesrnn/spec';
import type * as tf from '@tensorflow/tfjs-core';
import { type OursLmStepOptions, oursLmStepContender } from '../ours-lm-step.js';

/** Any cell of the model, as the experiments see it. */
type AnyCell = Cell<string, never, never>;
/** A cell's `runWindow`, for any state and window type. */
export type RunWindow = (
  weights: Weights,
  inputs: tf.Tensor3D,
  state: never,
  window: never,
) => unknown;

/**
 * A contender whose model's cells switch between their own `runWindow` and another way of
 * running a window (`alternative(cell)`), through `OursLmStepOptions.onModel`: two modes, named
 * `own` and `other`, for `timeSwitchedSteps`.
 */
export function switchableWindows(
  options: OursLmStepOptions,
  alternative: (cell: AnyCell) => RunWindow,
  [own, other]: readonly [string, string],
) {
  const cells: { cell: { runWindow?: RunWindow }; own: RunWindow; other: RunWindow }[] = [];
  const contender = oursLmStepContender({
    ...options,
    onModel: (model) => {
      for (const cell of model.cells as unknown as AnyCell[]) {
        cells.push({ cell, own: cell.runWindow as RunWindow, other: alternative(cell) });
      }
    },
  });
  const modes = {
    [own]: () => {
      for (const c of cells) c.cell.runWindow = c.own;
    },
    [other]: () => {
      for (const c of cells) c.cell.runWindow = c.other;
    },
  };
  return { contender, modes };
}
