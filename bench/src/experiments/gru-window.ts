/**
 * The GRU training step with the cells' whole-window path (`gruRecurrence`: input projections
 * for the whole window, recurrent kernels' gradients in one matmul each) against stepping the
 * cell one time step at a time, as every GRU window ran before: the bench's `gru` step on the
 * PTB-small shape, without dropout and with Gal's untied variational dropout, the model's cells
 * switched between the two between steps, interleaved in one process. Then the same for the
 * vanilla RNN's window (`vanillaRnnRecurrence`).
 * `npx turbo run build --filter=./bench...`, then `node bench/dist/experiments/gru-window.js`.
 */
import { selectBackend } from '@bayesrnn/core';
import type { Cell, Weights } from '@bayesrnn/spec';
import * as tf from '@tensorflow/tfjs-core';
import { GRU_OPTIONS } from '../contenders/gru.js';
import { GAL_VARIATIONAL_DROPOUT } from '../gal-rates.js';
import { timeSwitchedSteps } from './switched-steps.js';
import { type RunWindow, switchableWindows } from './switched-windows.js';

const ROUNDS = 30;

type State = { readonly h: tf.Tensor2D };

/** The window as `step` after `step`: what the cell did before it had a window path. */
function stepped(cell: Cell<string, State, unknown>): RunWindow {
  return (weights: Weights, inputs: tf.Tensor3D, state: State, window: unknown) => {
    let current = state;
    const outputs = (tf.unstack(inputs, 1) as tf.Tensor2D[]).map((x) => {
      const next = cell.step(weights, x, current, window);
      current = next.state;
      return next.output;
    });
    return { outputs: tf.stack(outputs, 1) as tf.Tensor3D, state: current };
  };
}

await selectBackend({ name: 'wasm', log: () => {} });
console.log(`training step, wasm, PTB-small: ms median (min–max) of ${ROUNDS}`);
const untied = {
  ...GRU_OPTIONS,
  name: 'gru, untied variational',
  dropout: GAL_VARIATIONAL_DROPOUT,
};
const vanilla = { ...GRU_OPTIONS, name: 'vanilla RNN', cell: 'vanilla' as const };
for (const options of [GRU_OPTIONS, untied, vanilla]) {
  const { contender, modes } = switchableWindows(options, stepped, ['window path', 'step by step']);
  await timeSwitchedSteps(contender, modes, ROUNDS);
}
