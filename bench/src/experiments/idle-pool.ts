/**
 * Why tfjs-wasm's small element-wise kernels are slow inside a training step: XNNPACK runs them
 * on tfjs's thread pool, whose threads sleep once idle, and waking them costs more than the
 * work. A `[20, 200] × [4, 20, 200]` Multiply (h against Gal's untied masks, every step of a
 * variational LSTM) after an idle gap of 0 to 3000 µs (spun on the calling thread), with
 * tfjs-wasm's kernel and with `@bayesrnn/core`'s (`wasm/binary.c`, on the calling thread).
 * `npx turbo run build --filter=./bench...`, then `node bench/dist/experiments/idle-pool.js`.
 */
import { createKey, randomUniform } from '@bayesrnn/core';
import * as tf from '@tensorflow/tfjs-core';
import { summarise } from '../stats.js';
import { tfjsAndOwnKernels } from './switched-kernels.js';

const CALLS = 200;
const GAPS_US = [0, 100, 300, 1000, 3000];

const kernels = await tfjsAndOwnKernels([tf.Multiply]);
const h = randomUniform(createKey(1), [20, 200]);
const masks = randomUniform(createKey(2), [4, 20, 200]);

/** Spins the calling thread for `micros` µs, as a step's other work would keep it busy. */
function spin(micros: number): void {
  const until = performance.now() + micros / 1000;
  while (performance.now() < until) {}
}

console.log(`[20, 200] × [4, 20, 200] Multiply after an idle gap: µs median (min–max) of ${CALLS}`);
for (const gap of GAPS_US) {
  const line = Object.entries(kernels).map(([name, use]) => {
    use();
    const times: number[] = [];
    for (let call = 0; call < CALLS; call++) {
      spin(gap);
      const started = performance.now();
      tf.mul(h, masks).dispose();
      times.push((performance.now() - started) * 1000);
    }
    const s = summarise(times);
    return `${name} ${s.median.toFixed(1)} (${s.min.toFixed(1)}–${s.max.toFixed(1)})`;
  });
  console.log(`gap ${String(gap).padStart(4)} µs: ${line.join(', ')}`);
}
kernels.bayesrnn();
tf.dispose([h, masks]);
