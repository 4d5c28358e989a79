/**
 * Why an LSTM window's recurrence has a written-out backward pass on wasm (`lstmRecurrence` in
 * `@bayesrnn/cells`): forward and backward (the gradient of Σ outputs in the kernel) of one
 * layer's window at PTB-small's shape (batch 20, 20 steps, input = hidden = 200), tied (no
 * masks) and untied (one mask per gate), against the same window differentiated op by op, which
 * gives the recurrent kernel one small gradient per step and sums them one Add at a time.
 * Interleaved in one process, medians of the timed rounds:
 * `npx turbo run build --filter=./bench...`, then `node bench/dist/experiments/lstm-recurrence.js`.
 * (Under vitest every small op costs several times more, so this is a script, not a vitest bench.)
 */
import {
  createLstmCell,
  type LstmState,
  lstmGates,
  type RecurrentDropoutWindow,
} from '@bayesrnn/cells';
import { createKey, randomNormal, randomUniform, selectBackend } from '@bayesrnn/core';
import * as tf from '@tensorflow/tfjs-core';
import { summarise } from '../stats.js';
import { opByOpTiedWindow } from './op-by-op-window.js';

const ROUNDS = 40;
const [B, T, H, GATES] = [20, 20, 200, 4];

await selectBackend({ name: 'wasm', log: () => {} });
const cell = createLstmCell({ inputSize: H, hiddenSize: H });
const kernel = randomNormal(createKey(1), [2 * H, GATES * H], { stddev: 0.1 });
const bias = tf.zeros([GATES * H]);
const inputs = randomNormal(createKey(2), [B, T, H]);
const state: LstmState = { h: tf.zeros([B, H]), c: tf.zeros([B, H]) };
const keep = (seed: number) =>
  tf.div(tf.cast(tf.greater(randomUniform(createKey(seed), [GATES, B, H]), 0.5), 'float32'), 0.5);
const inputMask = keep(3);
const recurrentMask = keep(4);

/** The tied window as `lstmWindow` ran it before: the recurrence differentiated op by op. */
const opByOpTied = (k: tf.Tensor) =>
  opByOpTiedWindow({ kernel: k, bias }, inputs as tf.Tensor3D, state).outputs;

/** The untied window as `lstmUntiedWindow` ran it before. */
function opByOpUntied(k: tf.Tensor): tf.Tensor {
  const byGate = tf.transpose(tf.reshape(k, [2 * H, GATES, H]), [1, 0, 2]);
  const [inputKernels, recurrentKernels] = tf.split(byGate, [H, H], 1) as tf.Tensor3D[];
  const masked = tf.mul(tf.expandDims(inputs, 0), tf.expandDims(inputMask, 2));
  const x = tf.reshape(masked, [GATES, B * T, H]) as tf.Tensor3D;
  const projected = tf.add(
    tf.matMul(x, inputKernels as tf.Tensor3D),
    tf.reshape(bias, [GATES, 1, H]),
  );
  let current = state;
  const outputs: tf.Tensor[] = [];
  for (const p of tf.unstack(tf.reshape(projected, [GATES, B, T, H]), 2)) {
    const h = tf.mul(current.h, recurrentMask) as tf.Tensor3D;
    current = lstmGates(tf.add(tf.matMul(h, recurrentKernels as tf.Tensor3D), p), current.c);
    outputs.push(current.h);
  }
  return tf.stack(outputs, 1);
}

const throughCell = (masks: RecurrentDropoutWindow) => (k: tf.Tensor) =>
  cell.runWindow?.({ kernel: k, bias }, inputs as tf.Tensor3D, state, masks).outputs as tf.Tensor;

const CONTENDERS: [string, (k: tf.Tensor) => tf.Tensor][] = [
  ['tied: lstmRecurrence', throughCell({})],
  ['tied: op by op', opByOpTied],
  ['untied: lstmRecurrence', throughCell({ inputMask, recurrentMask })],
  ['untied: op by op', opByOpUntied],
];

/** Milliseconds of one forward and backward, read back. */
function time(run: (k: tf.Tensor) => tf.Tensor): number {
  const started = performance.now();
  // The gradient leaves the tidy as a tensor: tidy walks what it returns, and a
  // Float32Array of 320,000 numbers costs it about 100 ms.
  const gradient = tf.tidy(() => tf.grad((k) => tf.sum(run(k)))(kernel));
  gradient.dataSync();
  gradient.dispose();
  return performance.now() - started;
}

for (const [, run] of CONTENDERS) for (let i = 0; i < 3; i += 1) time(run);
const times = CONTENDERS.map((): number[] => []);
for (let round = 0; round < ROUNDS; round += 1) {
  // Rotate the order so that no contender always runs first.
  for (let j = 0; j < CONTENDERS.length; j += 1) {
    const k = (j + round) % CONTENDERS.length;
    times[k]?.push(time(CONTENDERS[k]?.[1] as (k: tf.Tensor) => tf.Tensor));
  }
}
console.log(`one LSTM layer window, forward + backward, wasm: ms median (min–max) of ${ROUNDS}`);
CONTENDERS.forEach(([name], k) => {
  const s = summarise(times[k] ?? []);
  console.log(
    `${name.padEnd(24)} ${s.median.toFixed(1)} (${s.min.toFixed(1)}–${s.max.toFixed(1)})`,
  );
});
