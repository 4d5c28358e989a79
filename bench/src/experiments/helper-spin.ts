/**
 * Whether the wasm helper thread should poll for its next job before it sleeps, and the
 * calling thread for the helper's answer: on a VM, a sleeping thread's virtual core halts, and
 * waking it costs far more than the `Atomics.notify` itself. `HeapHelperPool.spinMicroseconds`
 * (the helper) and `answerSpinMicroseconds` (the caller) at 0 (sleep at once) against polls of
 * 100 and 1000 µs, first on a per-step product split over the helper ([20, 200] × [200, 800]), then on
 * the `plain` and `bbb` training steps on the PTB-small shape, the settings switched between
 * steps and interleaved in one process. (Not `psgld`: the bench's setting diverges by step 80,
 * and this runs 96 steps.) A polling helper spends its core's time while
 * it polls; this measures only the wall time.
 * `npx turbo run build --filter=./bench...`, then `node bench/dist/experiments/helper-spin.js`.
 */
import {
  createKey,
  DEFAULT_ANSWER_SPIN_MICROSECONDS,
  DEFAULT_HELPER_SPIN_MICROSECONDS,
  heapHelpersFor,
  randomNormal,
  selectBackend,
  wasmHeapMemory,
} from '@bayesrnn/core';
import * as tf from '@tensorflow/tfjs-core';
import { bbb } from '../contenders/bbb.js';
import { plain } from '../contenders/plain.js';
import { switchedProductMicroseconds } from './switched-products.js';
import { timeSwitchedSteps } from './switched-steps.js';

const ROUNDS = 30;
const PRODUCTS_PER_SAMPLE = 200;

await selectBackend({ name: 'wasm', log: () => {} });
const found = heapHelpersFor(wasmHeapMemory(tf.backend(), 'helper-spin'));
if (found === undefined)
  throw new Error('helper-spin: no helper threads (one core, or helpers off)');
const pool = found;

/** A mode: how long the helper polls for its next job, and the caller for the helper's answer. */
function polling(helper: number, caller: number): () => void {
  return () => {
    pool.spinMicroseconds = helper;
    pool.answerSpinMicroseconds = caller;
  };
}

const SETTINGS: Record<string, () => void> = {
  'both sleep at once': polling(0, 0),
  'caller polls 100 µs': polling(0, 100),
  'caller polls 1000 µs': polling(0, 1000),
  'helper polls 100 µs': polling(100, 0),
  'both poll 100 µs': polling(100, 100),
  'helper 100, caller 1000 µs': polling(100, 1000),
};

const a = randomNormal(createKey(1), [20, 200]);
const b = randomNormal(createKey(2), [200, 800]);
const samples = switchedProductMicroseconds(a, b, SETTINGS, ROUNDS, PRODUCTS_PER_SAMPLE);
tf.dispose([a, b]);
const perProduct = [...samples].map(([name, us]) => `${name} ${us.toFixed(1)} µs`);
console.log(`[20, 200] × [200, 800], split over the helper: ${perProduct.join(', ')}`);

console.log(`training step per setting, wasm: ms median (min–max) of ${ROUNDS}`);
for (const contender of [plain, bbb]) await timeSwitchedSteps(contender, SETTINGS, ROUNDS);
polling(DEFAULT_HELPER_SPIN_MICROSECONDS, DEFAULT_ANSWER_SPIN_MICROSECONDS)();
