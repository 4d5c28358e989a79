/**
 * The whole training step with the LSTM windows' recurrence as `lstmRecurrence` runs it (one
 * matmul for the recurrent kernel's gradient) and differentiated op by op, as `lstmWindow` ran
 * it before: the bench's `plain` and `bbb` steps on the PTB-small shape (no dropout), the
 * model's cells switched between the two between steps, interleaved in one process.
 * `npx turbo run build --filter=./bench...`, then `node bench/dist/experiments/recurrence-step.js`.
 */
import { type LstmState, lstmGates } from '@bayesrnn/cells';
import { selectBackend } from '@bayesrnn/core';
import type { Weights } from '@bayesrnn/spec';
import * as tf from '@tensorflow/tfjs-core';
import { BBB_OPTIONS } from '../contenders/bbb.js';
import { PLAIN_OPTIONS } from '../contenders/plain.js';
import { type OursLmStepOptions, oursLmStepContender } from '../ours-lm-step.js';
import { timeSwitchedSteps } from './switched-steps.js';

const ROUNDS = 30;

/** The tied window without masks, its recurrence differentiated op by op. */
function opByOpWindow(weights: Weights, inputs: tf.Tensor3D, state: LstmState) {
  return tf.tidy(() => {
    const [batchSize = 0, steps = 0, inputSize = 0] = inputs.shape;
    const hiddenSize = state.h.shape[1] ?? 0;
    const kernel = weights.kernel as tf.Tensor2D;
    const [inputKernel, recurrent] = tf.split(kernel, [inputSize, hiddenSize], 0);
    const flat = tf.reshape(inputs, [batchSize * steps, inputSize]) as tf.Tensor2D;
    const projected = tf.add(
      tf.matMul(flat, inputKernel as tf.Tensor2D),
      weights.bias as tf.Tensor,
    );
    let current = state;
    const outputs: tf.Tensor2D[] = [];
    for (const p of tf.unstack(tf.reshape(projected, [batchSize, steps, 4 * hiddenSize]), 1)) {
      current = lstmGates(tf.add(tf.matMul(current.h, recurrent as tf.Tensor2D), p), current.c);
      outputs.push(current.h);
    }
    return { outputs: tf.stack(outputs, 1) as tf.Tensor3D, state: current };
  });
}

type RunWindow = (w: Weights, x: tf.Tensor3D, s: LstmState, m: unknown) => unknown;
type MutableCell = { runWindow?: RunWindow };

/** A contender whose model's cells switch between their own window and the op-by-op one. */
function switchable(options: OursLmStepOptions) {
  const cells: MutableCell[] = [];
  const own: RunWindow[] = [];
  const contender = oursLmStepContender({
    ...options,
    onModel: (model) => {
      for (const cell of model.cells as unknown as MutableCell[]) {
        cells.push(cell);
        own.push(cell.runWindow as RunWindow);
      }
    },
  });
  const use = (opByOp: boolean) =>
    cells.forEach((cell, i) => {
      cell.runWindow = opByOp ? (w, x, s) => opByOpWindow(w, x, s) : (own[i] as RunWindow);
    });
  return { contender, use };
}

await selectBackend({ name: 'wasm', log: () => {} });
console.log(`training step, wasm, PTB-small: ms median (min–max) of ${ROUNDS}`);
for (const { contender, use } of [switchable(PLAIN_OPTIONS), switchable(BBB_OPTIONS)]) {
  const modes = { lstmRecurrence: () => use(false), 'op by op': () => use(true) };
  await timeSwitchedSteps(contender, modes, ROUNDS);
}
