// Test fixture (not exported, not published): a tiny recurrent regression written with plain
// tfjs ops, with a carried state, so the trainer can be tested without any model package.
import { createKey, foldIn, randomNormal, randomUniform } from '@bayesrnn/core';
import * as tf from '@tensorflow/tfjs-core';
import type { EvaluationResult, TrainTask, WindowContext } from './train-task.js';

/** The carried state: `h` is `[batchSize, hiddenSize]`. */
export type TinyState = { readonly h: tf.Tensor2D };

export interface TinyTaskOptions {
  readonly windowsPerEpoch?: number;
  /** Seed of the initial variables; `'zeros'` for all-zero variables (a resume must overwrite them). */
  readonly init?: number | 'zeros';
  /** Called at the start of every window (inside the tape): crash injection, leak probes. */
  readonly onWindow?: (window: number, context: WindowContext) => void;
  /** Multiply the loss by this (NaN, Infinity) from this one-based step on. */
  readonly poison?: { readonly fromStep: number; readonly factor: number };
  /** Validation metric per evaluation call, instead of the real validation loss. */
  readonly validationScript?: readonly number[];
}

export interface TinyTask extends TrainTask<TinyState> {
  /** Every variable's values, by name. */
  snapshot(): Record<string, number[]>;
  dispose(): void;
}

const BATCH = 2;
const STEPS = 4;
const INPUT = 2;
const HIDDEN = 3;
const DATA_KEY = createKey(2024);

/** Inputs `[STEPS + 1, BATCH, INPUT]` of a window (row 0: the previous window's last step). */
function windowInputs(window: number): tf.Tensor3D {
  return tf.tidy(() => {
    const rows = Array.from({ length: STEPS + 1 }, (_, t) =>
      randomNormal(foldIn(DATA_KEY, window * STEPS + t), [BATCH, INPUT]),
    );
    return tf.stack(rows) as tf.Tensor3D;
  });
}

/** Target `y_t = x_t·a + 0.5·x_{t−1}·a`: needs memory across steps (and windows). */
function target(current: tf.Tensor2D, previous: tf.Tensor2D): tf.Tensor2D {
  const a = tf.tensor2d([[1], [-1]]);
  return tf.add(tf.matMul(current, a), tf.mul(tf.matMul(previous, a), 0.5));
}

function makeVariables(init: number | 'zeros'): Record<string, tf.Variable> {
  const shapes: Record<string, number[]> = {
    inputKernel: [INPUT, HIDDEN],
    recurrentKernel: [HIDDEN, HIDDEN],
    bias: [HIDDEN],
    outputKernel: [HIDDEN, 1],
  };
  const variables: Record<string, tf.Variable> = {};
  for (const [name, shape] of Object.entries(shapes)) {
    const value =
      init === 'zeros'
        ? tf.zeros(shape)
        : randomUniform(foldIn(createKey(init), name), shape, -0.5, 0.5);
    variables[name] = tf.variable(value);
    value.dispose();
  }
  return variables;
}

/** Runs the RNN over one window from `h`; returns the mean squared error and the last `h`. */
function runWindow(
  variables: Record<string, tf.Variable>,
  window: number,
  h0: tf.Tensor2D,
  noiseKey: ReturnType<typeof createKey> | undefined,
): { mse: tf.Scalar; h: tf.Tensor2D } {
  const get = (name: string): tf.Variable => {
    const variable = variables[name];
    if (variable === undefined) throw new Error(`no variable ${name}`);
    return variable;
  };
  const inputs = windowInputs(window);
  const rows = tf.unstack(inputs) as tf.Tensor2D[];
  let h = h0;
  const errors: tf.Scalar[] = [];
  for (let t = 1; t <= STEPS; t += 1) {
    const current = rows[t] as tf.Tensor2D;
    const previous = rows[t - 1] as tf.Tensor2D;
    const x =
      noiseKey === undefined
        ? current
        : tf.add(current, tf.mul(randomNormal(foldIn(noiseKey, t), [BATCH, INPUT]), 0.01));
    const preActivation = tf.add(
      tf.matMul(x, get('inputKernel')),
      tf.matMul(h, get('recurrentKernel')),
    );
    h = tf.tanh(tf.add(preActivation, get('bias'))) as tf.Tensor2D;
    const prediction = tf.matMul(h, get('outputKernel'));
    errors.push(tf.mean(tf.square(tf.sub(prediction, target(current, previous)))));
  }
  return { mse: tf.div(tf.addN(errors), STEPS) as tf.Scalar, h };
}

/** A tiny recurrent regression task (batch 2, 4 steps per window, 3 hidden units). */
export function createTinyTask(options: TinyTaskOptions = {}): TinyTask {
  const variables = makeVariables(options.init ?? 1);
  let evaluations = 0;
  return {
    variables,
    windowsPerEpoch: options.windowsPerEpoch ?? 5,
    initialState: () => ({ h: tf.zeros([BATCH, HIDDEN]) as tf.Tensor2D }),
    windowLoss(window, state, context) {
      options.onWindow?.(window, context);
      const { mse, h } = runWindow(variables, window, state.h, context.key);
      const outputKernel = variables.outputKernel as tf.Variable;
      const l2 = tf.mul(tf.sum(tf.square(outputKernel)), 1e-3) as tf.Scalar;
      const poisoned = options.poison !== undefined && context.step >= options.poison.fromStep;
      const total = tf.add(mse, l2);
      const loss = (poisoned ? tf.mul(total, options.poison?.factor ?? 1) : total) as tf.Scalar;
      return { loss, state: { h }, tokens: BATCH * STEPS, parts: { mse, l2 } };
    },
    async evaluate(split): Promise<EvaluationResult> {
      const scripted = options.validationScript?.[evaluations];
      evaluations += 1;
      if (scripted !== undefined) return { mse: scripted, tokens: BATCH * STEPS };
      const offset = split === 'test' ? 2000 : 1000;
      const mse = tf.tidy(() => {
        const first = runWindow(variables, offset, tf.zeros([BATCH, HIDDEN]), undefined);
        const second = runWindow(variables, offset + 1, first.h, undefined);
        return tf.div(tf.add(first.mse, second.mse), 2);
      });
      const [value = Number.NaN] = await mse.data();
      mse.dispose();
      return { mse: value, tokens: 2 * BATCH * STEPS };
    },
    snapshot() {
      const values: Record<string, number[]> = {};
      for (const [name, variable] of Object.entries(variables))
        values[name] = Array.from(variable.dataSync());
      return values;
    },
    dispose() {
      for (const variable of Object.values(variables)) variable.dispose();
    },
  };
}
