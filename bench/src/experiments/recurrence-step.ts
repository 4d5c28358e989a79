/**
 * The whole training step with the LSTM windows' recurrence as `lstmRecurrence` runs it (one
 * matmul for the recurrent kernel's gradient) and differentiated op by op, as `lstmWindow` ran
 * it before: the bench's `plain` and `bbb` steps on the PTB-small shape (no dropout), the
 * model's cells switched between the two between steps, interleaved in one process.
 * `npx turbo run build --filter=./bench...`, then `node bench/dist/experiments/recurrence-step.js`.
 */
import type { LstmState } from '@bayesrnn/cells';
import { selectBackend } from '@bayesrnn/core';
import type { Weights } from '@bayesrnn/spec';
import type * as tf from '@tensorflow/tfjs-core';
import { BBB_OPTIONS } from '../contenders/bbb.js';
import { PLAIN_OPTIONS } from '../contenders/plain.js';
import { type OursLmStepOptions, oursLmStepContender } from '../ours-lm-step.js';
import { opByOpTiedWindow } from './op-by-op-window.js';
import { timeSwitchedSteps } from './switched-steps.js';

const ROUNDS = 30;

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
      cell.runWindow = opByOp ? (w, x, s) => opByOpTiedWindow(w, x, s) : (own[i] as RunWindow);
    });
  return { contender, use };
}

await selectBackend({ name: 'wasm', log: () => {} });
console.log(`training step, wasm, PTB-small: ms median (min–max) of ${ROUNDS}`);
for (const { contender, use } of [switchable(PLAIN_OPTIONS), switchable(BBB_OPTIONS)]) {
  const modes = { lstmRecurrence: () => use(false), 'op by op': () => use(true) };
  await timeSwitchedSteps(contender, modes, ROUNDS);
}
