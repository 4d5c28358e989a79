import { createKey, stopGradient } from '@bayesrnn/core';
import type { Cell, NamedTensorTree, Weights } from '@bayesrnn/spec';
import * as tf from '@tensorflow/tfjs-core';
import type { SabState } from '../sab-cell.js';

/** A SAB cell whose weight names, wrapped state and window the tests treat generically. */
export type AnySabCell = Cell<string, SabState, unknown>;

export interface UnrollOptions {
  /** Start from this state instead of `initialState` (it is kept). */
  readonly state?: SabState;
  /**
   * Stop the gradient of the memories between steps: what is left is the recurrent chain
   * alone, to test truncation apart from the attended skip connections.
   */
  readonly detachMemories?: boolean;
}

/**
 * Steps `cell` over `inputs` `[steps, batchSize, inputSize]` (window with `training: false`).
 * Returns every step's output stacked `[steps, batchSize, outputSize]` and the last state. Call
 * inside `tf.tidy` (intermediate states are not disposed).
 */
export function unroll(
  cell: AnySabCell,
  weights: Weights,
  inputs: tf.Tensor3D,
  options: UnrollOptions = {},
): { outputs: tf.Tensor3D; state: SabState } {
  const batchSize = inputs.shape[1];
  let state = options.state ?? cell.initialState(batchSize);
  const window = cell.startWindow({ key: createKey(0), batchSize, training: false });
  const outputs = (tf.unstack(inputs) as tf.Tensor2D[]).map((x) => {
    const current: SabState = options.detachMemories
      ? { ...state, memories: stopGradient(state.memories) }
      : state;
    const result = cell.step(weights, x, current, window);
    state = result.state;
    return result.output;
  });
  return { outputs: tf.stack(outputs) as tf.Tensor3D, state };
}

/** Σ_t Σ output_t ⊙ R_t, the fixtures' loss. */
export function weightedSum(outputs: tf.Tensor, lossWeights: tf.Tensor): tf.Scalar {
  return tf.sum(tf.mul(outputs, lossWeights));
}

/** The wrapped cell's state of a SAB state, as a record of tensors. */
export function innerState(state: SabState): Record<string, tf.Tensor> {
  return state.cell as NamedTensorTree as Record<string, tf.Tensor>;
}
