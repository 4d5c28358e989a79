/**
 * What the project's `Transpose` on wasm (`wasm/transpose.c`: tiled SIMD, and a shared handle
 * for a permutation that moves nothing) saves in the training step, against tfjs-wasm's own
 * kernel: the bench's `plain` and `bbb` contenders on the PTB-small shape, the two kernels
 * swapped in tfjs's registry between steps, interleaved in one process.
 * `npx turbo run build --filter=./bench...`, then `node bench/dist/experiments/transpose-step.js`.
 */
import * as tf from '@tensorflow/tfjs-core';
import { bbb } from '../contenders/bbb.js';
import { plain } from '../contenders/plain.js';
import { tfjsAndOwnKernels } from './switched-kernels.js';
import { timeSwitchedSteps } from './switched-steps.js';

const ROUNDS = 30;

const kernels = await tfjsAndOwnKernels([tf.Transpose]);
console.log(`training step with each Transpose kernel, wasm: ms median (min–max) of ${ROUNDS}`);
for (const contender of [plain, bbb]) await timeSwitchedSteps(contender, kernels, ROUNDS);
kernels.bayesrnn();
