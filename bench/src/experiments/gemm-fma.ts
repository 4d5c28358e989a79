/**
 * What the relaxed-SIMD gemm (`configureWasmGemm({ fusedMultiplyAdd })`: one fused multiply-add
 * per term) gives against the plain SIMD build: first the PTB-small shape's products alone (the
 * softmax's [400, 200] × [200, 10000], the LSTM's whole-window [400, 200] × [200, 800] and
 * per-step [20, 200] × [200, 800]), then the training steps, the two builds switched between
 * steps and interleaved in one process. Needs relaxed SIMD: Node 22 or later, or
 * `node --experimental-wasm-relaxed-simd bench/dist/experiments/gemm-fma.js` on Node 20
 * (after `npx turbo run build --filter=./bench...`).
 */
import {
  configureWasmGemm,
  createKey,
  randomNormal,
  relaxedSimdAvailable,
  selectBackend,
} from '@bayesrnn/core';
import * as tf from '@tensorflow/tfjs-core';
import { bbb } from '../contenders/bbb.js';
import { bbbSharpened } from '../contenders/bbb-sharpened.js';
import { plain } from '../contenders/plain.js';
import { psgld } from '../contenders/psgld.js';
import { rmsprop } from '../contenders/rmsprop.js';
import { switchedProductMicroseconds } from './switched-products.js';
import { timeSwitchedSteps } from './switched-steps.js';

const ROUNDS = 20;

if (!relaxedSimdAvailable()) {
  console.error(
    'gemm-fma: this engine lacks WebAssembly relaxed SIMD; run it on Node ≥ 22, or as ' +
      '`node --experimental-wasm-relaxed-simd bench/dist/experiments/gemm-fma.js`',
  );
  process.exit(2);
}
await selectBackend({ name: 'wasm' });

const SETTINGS: Record<string, () => void> = {
  'plain SIMD': () => configureWasmGemm({ fusedMultiplyAdd: false }),
  'fused (FMA)': () => configureWasmGemm({ fusedMultiplyAdd: true }),
};

for (const [left, right, perSample] of [
  [[400, 200], [200, 10000], 5],
  [[400, 200], [200, 800], 40],
  [[20, 200], [200, 800], 200],
] as const) {
  const a = randomNormal(createKey(1), [...left]);
  const b = randomNormal(createKey(2), [...right]);
  const times = [...switchedProductMicroseconds(a, b, SETTINGS, ROUNDS, perSample)].map(
    ([name, us]) => `${name} ${us.toFixed(1)} µs`,
  );
  console.log(`[${left}] × [${right}]: ${times.join(', ')}`);
  tf.dispose([a, b]);
}
console.log(`training step per build, wasm: ms median (min–max) of ${ROUNDS}`);
for (const contender of [plain, bbb, bbbSharpened, rmsprop, psgld]) {
  await timeSwitchedSteps(contender, SETTINGS, ROUNDS);
}
