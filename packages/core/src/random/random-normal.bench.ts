/**
 * Normal draws, ours against tfjs's seeded op, for one Bayes-by-Backprop draw of the PTB-small
 * model (4.6M weights): `npx vitest bench --run src/random`.
 */
import * as tf from '@tensorflow/tfjs-core';
import { bench, describe } from 'vitest';
import { selectBackend } from '../backend/select-backend.js';
import { fillStandardNormalBlocksInJs } from './normal-blocks.js';
import { fillStandardNormalArray, randomNormal, standardNormalArray } from './random-ops.js';
import { createKey } from './rng-key.js';

await selectBackend({ name: 'wasm', log: () => {} });

const COUNT = 4_600_000;
const options = { time: 2000, warmupIterations: 2 };
let seed = 0;
const plainArray = new Float32Array(COUNT);

describe(`${COUNT} standard normals`, () => {
  bench(
    'standardNormalArray (xoshiro128** lanes + Box–Muller, a plain array: the C kernel on its own memory)',
    () => {
      standardNormalArray(createKey(seed++), COUNT);
    },
    options,
  );
  bench(
    'fillStandardNormalArray into a plain array (the same, no allocation)',
    () => {
      fillStandardNormalArray(createKey(seed++), plainArray);
    },
    options,
  );
  bench(
    'randomNormal (ours, as a wasm tensor: the C kernel in the heap, blocks over the helpers)',
    () => {
      randomNormal(createKey(seed++), [COUNT]).dispose();
    },
    options,
  );
  bench(
    'fillStandardNormalBlocksInJs (the JavaScript reference)',
    () => {
      fillStandardNormalBlocksInJs(createKey(seed++), plainArray);
    },
    options,
  );
  bench(
    'tf.randomNormal (tfjs: Alea + Marsaglia polar)',
    () => {
      tf.randomNormal([COUNT], 0, 1, 'float32', seed++).dispose();
    },
    options,
  );
});
