/**
 * What tfjs's Identity gradient (`cast(dy, 'float32')`, a copy of the whole gradient) cost the
 * training step, against `registerIdentityGradient`'s (a new handle on dy's buffer): the bench's
 * `plain` and `bbb` contenders on the PTB-small shape, the two gradients swapped in and out of
 * tfjs's registry between steps, interleaved in one process. The plain step's weights reach the
 * loss through `pointPosterior.draw`'s clones, so each of their gradients passes an Identity.
 * `npx turbo run build --filter=./bench...`, then `node bench/dist/experiments/identity-gradient.js`.
 */
import { registerIdentityGradient, selectBackend } from '@bayesrnn/core';
import * as tf from '@tensorflow/tfjs-core';
import { bbb } from '../contenders/bbb.js';
import { plain } from '../contenders/plain.js';
import { timeSwitchedSteps } from './switched-steps.js';

const ROUNDS = 30;

await selectBackend({ name: 'wasm', log: () => {} });

const GRADIENTS = {
  'tfjs (Cast)': () =>
    tf.registerGradient({
      kernelName: tf.Identity,
      gradFunc: (dy) => ({ x: () => tf.cast(dy as tf.Tensor, 'float32') }),
    }),
  'no copy': registerIdentityGradient,
};

console.log(`training step with each Identity gradient, wasm: ms median (min–max) of ${ROUNDS}`);
for (const contender of [plain, bbb]) await timeSwitchedSteps(contender, GRADIENTS, ROUNDS);
registerIdentityGradient();
