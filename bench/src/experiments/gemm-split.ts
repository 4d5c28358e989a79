/**
 * Whether the LSTM's small per-step products should be split over the wasm helper thread:
 * `configureWasmGemm`'s `minWorkPerThread` at its default 2^20 (a [20, 200] × [200, 800]
 * product, 3.2M multiply-adds, splits in two) against 2^23 (it stays on the calling thread;
 * the window and softmax products still split). First the product alone, then the `plain` and
 * `bbb` training steps on the PTB-small shape, the two settings switched between steps and
 * interleaved in one process.
 * `npx turbo run build --filter=./bench...`, then `node bench/dist/experiments/gemm-split.js`.
 */
import { configureWasmGemm, createKey, randomNormal, selectBackend } from '@bayesrnn/core';
import * as tf from '@tensorflow/tfjs-core';
import { bbb } from '../contenders/bbb.js';
import { plain } from '../contenders/plain.js';
import { switchedProductMicroseconds } from './switched-products.js';
import { timeSwitchedSteps } from './switched-steps.js';

const ROUNDS = 30;
const PRODUCTS_PER_SAMPLE = 200;

await selectBackend({ name: 'wasm', log: () => {} });

const SETTINGS: Record<string, () => void> = {
  'split (2^20)': () => configureWasmGemm({ minWorkPerThread: 1 << 20 }),
  'one thread (2^23)': () => configureWasmGemm({ minWorkPerThread: 1 << 23 }),
};

for (const [left, right] of [
  [
    [20, 200],
    [200, 800],
  ],
  [
    [20, 800],
    [800, 200],
  ],
]) {
  const a = randomNormal(createKey(1), left ?? []);
  const b = randomNormal(createKey(2), right ?? []);
  const times = [...switchedProductMicroseconds(a, b, SETTINGS, ROUNDS, PRODUCTS_PER_SAMPLE)].map(
    ([name, us]) => `${name} ${us.toFixed(1)} µs`,
  );
  console.log(`[${left}] × [${right}]: ${times.join(', ')}`);
  tf.dispose([a, b]);
}
console.log(`training step per setting, wasm: ms median (min–max) of ${ROUNDS}`);
for (const contender of [plain, bbb]) await timeSwitchedSteps(contender, SETTINGS, ROUNDS);
configureWasmGemm({ minWorkPerThread: 1 << 20 });
