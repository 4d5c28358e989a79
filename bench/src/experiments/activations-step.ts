/**
 * What the project's SIMD `Tanh` on wasm (`wasm/activations.c`) saves in a training step made
 * of tfjs ops, against tfjs-wasm's own kernel (scalar `std::tanh`): the bench's `gru` contender
 * (the GRU window, whose gates are tfjs ops: a tanh of `[20, 200]` per step and layer) on the
 * PTB-small shape, the kernels swapped in tfjs's registry between steps, interleaved in one
 * process.
 * `npx turbo run build --filter=./bench...`, then `node bench/dist/experiments/activations-step.js`.
 */
import * as tf from '@tensorflow/tfjs-core';
import { gru } from '../contenders/gru.js';
import { tfjsAndOwnKernels } from './switched-kernels.js';
import { timeSwitchedSteps } from './switched-steps.js';

const ROUNDS = 30;

const kernels = await tfjsAndOwnKernels([tf.Tanh]);
console.log(`training step with each Tanh, wasm: ms median (min–max) of ${ROUNDS}`);
await timeSwitchedSteps(gru, kernels, ROUNDS);
kernels.bayesrnn();
