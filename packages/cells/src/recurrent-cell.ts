import type { Cell, WeightSpecs, Weights } from '@bayesrnn/spec';
import * as tf from '@tensorflow/tfjs-core';
import {
  checkWindow,
  type RecurrentDropoutShape,
  type RecurrentDropoutWindow,
  startRecurrentDropoutWindow,
  type VariationalDropoutConfig,
} from './recurrent-dropout.js';
import { checkPositiveInteger, checkShape } from './validate.js';

/**
 * The state of a recurrent cell of this package: named `[batchSize, hiddenSize]` tensors, one
 * of them the output `h` (LSTM `{h, c}`, GRU and vanilla RNN `{h}`).
 */
export type RecurrentState = { readonly h: tf.Tensor2D; readonly [name: string]: tf.Tensor2D };

/**
 * One time step of a cell's equations, given checked shapes and a window that is never
 * `undefined`. Runs inside the `tf.tidy` of `step`; returns the new state.
 */
export type RecurrentStepFunction<Name extends string, State extends RecurrentState> = (
  weights: Weights<Name>,
  input: tf.Tensor2D,
  state: State,
  window: RecurrentDropoutWindow,
) => State;

/**
 * A cell's whole-window fast path, given checked shapes and a window that is never
 * `undefined`: the last state and every step's `h` stacked `[batchSize, steps, hiddenSize]`.
 * Returns `undefined` for windows it does not handle (the scaffold then steps). Runs inside the
 * `tf.tidy` of `runWindow`.
 */
export type RecurrentWindowFunction<Name extends string, State extends RecurrentState> = (
  weights: Weights<Name>,
  inputs: tf.Tensor3D,
  state: State,
  window: RecurrentDropoutWindow,
) => { readonly outputs: tf.Tensor3D; readonly state: State } | undefined;

/** What differs between the cells `createRecurrentCell` builds. */
export interface RecurrentCellDefinition<Name extends string, State extends RecurrentState> {
  /** The cell's name in messages, e.g. `'LSTM cell'`. */
  readonly cellName: string;
  /** Columns of `x_t`. */
  readonly inputSize: number;
  /** Columns of every state tensor and of the output. */
  readonly hiddenSize: number;
  /** Masks per input when dropout is untied (LSTM 4, GRU 3; 1 means tied shapes always). */
  readonly gates: number;
  /** The checked dropout option (`NO_DROPOUT` for none). */
  readonly dropout: VariationalDropoutConfig;
  /** Every weight `step` reads; each is shape-checked at every step, in this order. */
  readonly weightSpecs: WeightSpecs<Name>;
  /** The names of the state's tensors, in the order they are made and checked, `'h'` first. */
  readonly stateNames: readonly (keyof State & string)[];
  /** The cell's equations. */
  readonly step: RecurrentStepFunction<Name, State>;
  /** Optional: the same equations over a whole window with work moved off the per-step path. */
  readonly runWindow?: RecurrentWindowFunction<Name, State>;
}

/**
 * Builds the `Cell` contract around a cell's step function (the scaffolding shared by the LSTM,
 * GRU and vanilla RNN cells):
 * - `initialState(batchSize)`: zeros `[batchSize, hiddenSize]` for every name in `stateNames`;
 * - `startWindow`: the variational dropout masks of Gal & Ghahramani (2016, §3.1), drawn once
 *   per window by `startRecurrentDropoutWindow`;
 * - `step`: checks the shapes of the input `[batchSize, inputSize]`, the state, the weights and
 *   the window (reading shapes only, no tensor op), then runs `definition.step` in `tf.tidy`
 *   and returns `h` as the output `[batchSize, hiddenSize]` on a separate handle;
 * - `runWindow`: the same checks once for `[batchSize, steps, inputSize]`, then
 *   `definition.runWindow` where it handles the window, or `definition.step` per time step.
 *
 * @returns a cell whose `step` accepts an `undefined` window as "no dropout".
 */
export function createRecurrentCell<Name extends string, State extends RecurrentState>(
  definition: RecurrentCellDefinition<Name, State>,
): Cell<Name, State, RecurrentDropoutWindow> {
  const { cellName, inputSize, hiddenSize, dropout, weightSpecs, stateNames } = definition;
  const shape: RecurrentDropoutShape = { inputSize, hiddenSize, gates: definition.gates };
  const weightNames = Object.keys(weightSpecs) as Name[];
  const stateChecks = stateNames.map((name) => ({ name, what: `state.${name}` }));
  const weightChecks = weightNames.map((name) => ({ name, what: `weights.${name}` }));

  return {
    inputSize,
    outputSize: hiddenSize,
    weightSpecs,
    initialState(batchSize) {
      checkPositiveInteger(batchSize, `${cellName}.initialState: batchSize`);
      const zeros = stateNames.map((name) => [name, tf.zeros([batchSize, hiddenSize])]);
      return Object.fromEntries(zeros) as State;
    },
    startWindow(options) {
      return startRecurrentDropoutWindow(dropout, shape, options, cellName);
    },
    step(weights, input, state, window: RecurrentDropoutWindow | undefined) {
      const batchSize = input.shape[0] ?? 0;
      checkShape(cellName, 'input', input, [batchSize, inputSize]);
      const masks = checkStateWeightsWindow(batchSize, weights, state, window);
      return tf.tidy(() => {
        const next = definition.step(weights, input, state, masks);
        // A separate handle on h's data: disposing the state never disposes the output.
        return { output: next.h.clone(), state: next };
      });
    },
    runWindow(weights, inputs, state, window: RecurrentDropoutWindow | undefined) {
      const [batchSize = 0, steps = 0] = inputs.shape;
      checkShape(cellName, 'inputs', inputs, [batchSize, steps, inputSize]);
      const masks = checkStateWeightsWindow(batchSize, weights, state, window);
      return tf.tidy(() => {
        const fast = definition.runWindow?.(weights, inputs, state, masks);
        if (fast !== undefined) return fast;
        let current = state;
        const outputs: tf.Tensor2D[] = [];
        for (const input of tf.unstack(inputs, 1) as tf.Tensor2D[]) {
          current = definition.step(weights, input, current, masks);
          outputs.push(current.h);
        }
        return { outputs: tf.stack(outputs, 1) as tf.Tensor3D, state: current };
      });
    },
  };

  /** Shape checks shared by `step` and `runWindow` (shapes only, no tensor op). */
  function checkStateWeightsWindow(
    batchSize: number,
    weights: Weights<Name>,
    state: State,
    window: RecurrentDropoutWindow | undefined,
  ): RecurrentDropoutWindow {
    for (const { name, what } of stateChecks) {
      checkShape(cellName, what, state[name] as tf.Tensor2D, [batchSize, hiddenSize]);
    }
    for (const { name, what } of weightChecks) {
      checkShape(cellName, what, weights[name], weightSpecs[name].shape);
    }
    return checkWindow(cellName, window, batchSize, shape);
  }
}
