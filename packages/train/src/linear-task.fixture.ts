// Test fixture (not exported, not published): a stateless linear loss whose gradients are known
// in closed form, for the clipping tests.
import { createKey } from '@bayesrnn/core';
import * as tf from '@tensorflow/tfjs-core';
import type { ClipGroups, GroupClipNorms } from './clip-groups.js';
import type { Optimizer, OptimizerState } from './optimizer.js';
import type { TrainTask } from './train-task.js';
import { runTrainingStep } from './training-step.js';

/** The linear task's variables, its coefficients and the way to free them all. */
export interface LinearTask {
  readonly task: TrainTask<Record<string, never>>;
  /** `c` of the loss, as numbers. */
  readonly cValues: Float32Array;
  readonly dispose: () => void;
}

/**
 * `loss = Σ w ⊙ c + Σ b` over 1,027 weights `w` and 3 biases `b`, `c_i = 3 sin(0.7 i)`: so
 * `∂/∂w = c` (a norm of about 68) and `∂/∂b = 1` (a norm of √3). `w` starts at `cos(i)`, or at
 * zeros with `zeros`.
 */
export function linearTask(options: { readonly zeros?: boolean } = {}): LinearTask {
  const size = 1027;
  const start = (i: number) => (options.zeros === true ? 0 : Math.cos(i));
  // Variables outlive tidy; the tensors they were made from do not.
  const w = tf.tidy(() =>
    tf.variable(tf.tensor1d(Float32Array.from({ length: size }, (_, i) => start(i)))),
  );
  const b = tf.tidy(() => tf.variable(tf.zeros([3])));
  const cValues = Float32Array.from({ length: size }, (_, i) => 3 * Math.sin(i * 0.7));
  const c = tf.tensor1d(cValues);
  const task: TrainTask<Record<string, never>> = {
    variables: { w, b },
    windowsPerEpoch: 1,
    initialState: () => ({}),
    windowLoss: (_window, state) => ({
      loss: tf.add(tf.sum(tf.mul(w, c)), tf.sum(b)) as tf.Scalar,
      state,
      tokens: 1,
    }),
  };
  return { task, cValues, dispose: () => tf.dispose([w, b, c]) };
}

/** The task's first step (window 0, key 1) at `learningRate`, clipped at 5. */
export function firstClippedStep(
  task: LinearTask['task'],
  optimizer: Optimizer,
  optimizerState: OptimizerState,
  learningRate: number,
  clipGroups?: ClipGroups,
  groupClipNorms?: GroupClipNorms,
) {
  return runTrainingStep({
    task,
    window: 0,
    state: {},
    context: { key: createKey(1), epoch: 0, step: 1 },
    optimizer,
    optimizerState,
    learningRate,
    clipNorm: 5,
    ...(clipGroups === undefined ? {} : { clipGroups }),
    ...(groupClipNorms === undefined ? {} : { groupClipNorms }),
  });
}
