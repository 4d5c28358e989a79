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
import { opByOpTiedWindow } from './op-by-op-window.js';
import { timeSwitchedSteps } from './switched-steps.js';
import { type RunWindow, switchableWindows } from './switched-windows.js';

const ROUNDS = 30;

await selectBackend({ name: 'wasm', log: () => {} });
console.log(`training step, wasm, PTB-small: ms median (min–max) of ${ROUNDS}`);
/** The tied LSTM window differentiated op by op, as `lstmWindow` ran it before. */
const opByOp = (): RunWindow => (w: Weights, x: tf.Tensor3D, s: LstmState) =>
  opByOpTiedWindow(w, x, s);
for (const options of [PLAIN_OPTIONS, BBB_OPTIONS]) {
  const { contender, modes } = switchableWindows(options, opByOp, ['lstmRecurrence', 'op by op']);
  await timeSwitchedSteps(contender, modes, ROUNDS);
}
