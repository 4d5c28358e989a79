/**
 * Normal draws, ours against tfjs's seeded op, for one Bayes-by-Backprop draw of the PTB-small
 * model (4.6M weights): `npx vitest bench --run src/random`.
 */
import * as tf from '@tensorflow/tfjs-core';
import { bench, describe } from 'vitest';
import { selectBackend } from '../backend/select-backend.js';
import { randomNormal, standardNormalArray } from './random-ops.js';
import { createKey } from './rng-key.js';

await selectBackend({ name: 'wasm', log: () => {} });

const COUNT = 4_600_000;
const options = { time: 2000, warmupIterations: 2 };
let seed = 0;

describe(`${COUNT} standard normals`, () => {
  bench(
    'standardNormalArray (xoshiro128** + ziggurat, JS array)',
    () => {
      standardNormalArray(createKey(seed++), COUNT);
    },
    options,
  );
  bench(
    'randomNormal (ours, as a wasm tensor)',
    () => {
      randomNormal(createKey(seed++), [COUNT]).dispose();
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
