/**
 * What the project's `Transpose` on wasm (`wasm/transpose.c`: tiled SIMD, and a shared handle
 * for a permutation that moves nothing) saves in the training step, against tfjs-wasm's own
 * kernel: the bench's `plain` and `bbb` contenders on the PTB-small shape, the two kernels
 * swapped in tfjs's registry between steps, interleaved in one process.
 * `npx turbo run build --filter=./bench...`, then `node bench/dist/experiments/transpose-step.js`.
 */
import { selectBackend } from '@bayesrnn/core';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-wasm';
import { bbb } from '../contenders/bbb.js';
import { plain } from '../contenders/plain.js';
import { timeSwitchedSteps } from './switched-steps.js';

const ROUNDS = 30;

/** The kernel registered for `Transpose` on wasm now; throws when there is none. */
function transposeKernel(): tf.KernelConfig {
  const kernel = tf.getKernel(tf.Transpose, 'wasm');
  if (kernel === undefined) throw new Error('wasm has no Transpose kernel');
  return kernel;
}

// tfjs-wasm registers its kernels when imported; selectBackend then puts the project's in.
const tfjsKernel = transposeKernel();
await selectBackend({ name: 'wasm', log: () => {} });
const ownKernel = transposeKernel();

function use(kernel: tf.KernelConfig): () => void {
  return () => {
    tf.unregisterKernel(tf.Transpose, 'wasm');
    tf.registerKernel(kernel);
    // tfjs binds its kernel to the module in a setup step that ran before ours replaced it.
    kernel.setupFunc?.(tf.backend());
  };
}

const KERNELS = { 'tfjs-wasm': use(tfjsKernel), 'transpose.c': use(ownKernel) };

console.log(`training step with each Transpose kernel, wasm: ms median (min–max) of ${ROUNDS}`);
for (const contender of [plain, bbb]) await timeSwitchedSteps(contender, KERNELS, ROUNDS);
use(ownKernel)();
