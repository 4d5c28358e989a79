/**
 * Test-only: a cell's whole-window fast path (`runWindow`) against stepping it, for the shared
 * suite. Values, the last state and the gradients of the fixture loss w.r.t. every weight, the
 * inputs and the initial state must agree to float32 rounding (the fast path reorders sums:
 * `x W_x + b + h W_h` instead of `[x; h] W + b`), and a window leaves only its result.
 */

import * as tf from '@tensorflow/tfjs-core';
import { expect } from 'vitest';
import type { RecurrentDropoutWindow } from '../recurrent-dropout.js';
import type { TestKit } from './cell-checks.js';
import { type LoadedCell, weightedSum } from './harness.js';
import {
  type CellState,
  gradientInputs,
  namedGradients,
  namedLoss,
  type RecurrentCell,
} from './named-loss.js';

/** Float32 reordering only (`x W_x + b + h W_h` against `[x; h] W + b`). */
const REORDERED = { rtol: 1e-5, atol: 1e-5 };

/** The fixture loss through `runWindow`, as a function of the same named arguments. */
function windowLoss<Name extends string, State extends CellState>(
  cell: RecurrentCell<Name, State>,
  f: LoadedCell<Name, State>,
  window: RecurrentDropoutWindow,
): (named: Record<string, tf.Tensor>) => tf.Scalar {
  const runWindow = cell.runWindow?.bind(cell);
  if (runWindow === undefined) throw new Error('the cell has no runWindow');
  return (named) => {
    const weights = Object.fromEntries(Object.keys(f.weights).map((n) => [n, named[n]]));
    const state = Object.fromEntries(Object.keys(f.state).map((n) => [n, named[`${n}0`]]));
    // Fixture inputs are [steps, batchSize, inputSize]; runWindow takes [batchSize, steps, …].
    const inputs = tf.transpose(named.inputs as tf.Tensor3D, [1, 0, 2]);
    const { outputs } = runWindow(weights as never, inputs, state as State, window);
    return weightedSum(tf.transpose(outputs, [1, 0, 2]), f.lossWeights);
  };
}

/** `runWindow` equals `step` over the window: outputs, last state, gradients; and leaks nothing. */
export async function expectWindowMatchesSteps<Name extends string, State extends CellState>(
  kit: TestKit,
  cell: RecurrentCell<Name, State>,
  f: LoadedCell<Name, State>,
  window: RecurrentDropoutWindow,
): Promise<void> {
  const runWindow = cell.runWindow?.bind(cell);
  expect(runWindow).toBeDefined();
  if (runWindow === undefined) return;
  tf.tidy(() => {
    const inputs = tf.transpose(f.inputs as tf.Tensor3D, [1, 0, 2]) as tf.Tensor3D;
    const fast = runWindow(f.weights, inputs, f.state, window);
    let state = f.state;
    const outputs: tf.Tensor[] = [];
    for (const x of tf.unstack(f.inputs) as tf.Tensor2D[]) {
      const result = cell.step(f.weights, x, state, window);
      outputs.push(result.output);
      state = result.state;
    }
    expect(fast.outputs.shape).toEqual(inputs.shape.slice(0, 2).concat(cell.outputSize));
    kit.expectClose(fast.outputs, tf.stack(outputs, 1), REORDERED, 'outputs');
    for (const name of Object.keys(state)) {
      kit.expectClose(fast.state[name] as tf.Tensor, state[name] as tf.Tensor, REORDERED, name);
    }
    const named = gradientInputs(f);
    const stepped = namedGradients(namedLoss(cell, f, window), named);
    const windowed = namedGradients(windowLoss(cell, f, window), named);
    for (const name of Object.keys(named)) {
      kit.expectClose(
        windowed[name] as tf.Tensor,
        stepped[name] as tf.Tensor,
        REORDERED,
        `gradient of ${name}`,
      );
    }
  });
  const inputs = tf.transpose(f.inputs as tf.Tensor3D, [1, 0, 2]) as tf.Tensor3D;
  const made = await kit.countNewTensors(() => {
    const { outputs, state } = runWindow(f.weights, inputs, f.state, window);
    tf.dispose([outputs, ...Object.values(state)]);
  });
  expect(made).toBe(0);
  inputs.dispose();
}
