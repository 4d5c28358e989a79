/**
 * What subnormal numbers cost the wasm backend's matrix products, and how many reach them in a
 * training step. WebAssembly cannot turn on x86's flush-to-zero, and an Intel core takes a
 * microcode assist for every instruction that reads a subnormal or underflows to one.
 *
 * 1. A [400, 800] × [800, 800] product (the project's gemm) with a share of A subnormal, and
 *    with tiny but normal values in both operands whose products underflow.
 * 2. A census of the operands of every `BatchMatMul` in the steps of in-process contenders on
 *    the PTB-small shape (default `rmsprop` and `psgld`; `psgld-gru` and `rmsprop-gru` run them
 *    with the GRU cell, made of tfjs ops): values below 2^-126 (subnormal) and below 2^-63 (a
 *    product of two could underflow), after a few steps, when pSGLD's noise has saturated gates.
 *
 * `npx turbo run build --filter=./bench...`, then
 * `node bench/dist/experiments/subnormal-operands.js [contender ...]`.
 */
import { createKey, randomNormal, randomUniform, selectBackend } from '@bayesrnn/core';
import * as tf from '@tensorflow/tfjs-core';
import type { Contender } from '../contender.js';
import { CONTENDERS } from '../contenders/index.js';
import { PSGLD_OPTIONS } from '../contenders/psgld.js';
import { RMSPROP_OPTIONS } from '../contenders/rmsprop.js';
import { oursLmStepContender } from '../ours-lm-step.js';
import { PTB_SMALL_SHAPE } from '../shape.js';
import { switchedProductMicroseconds } from './switched-products.js';

const SMALLEST_NORMAL = 2 ** -126;
const PRODUCT_SAFE = 2 ** -63;
const PRODUCT_ROUNDS = 15;
const WARM_STEPS = 4;
const CENSUS_STEPS = 4;

await selectBackend({ name: 'wasm', log: () => {} });

/** x with a share of its elements (chosen by `seed`) multiplied by `factor`. */
function scaleShare(x: tf.Tensor, share: number, factor: number, seed: number): tf.Tensor {
  return tf.tidy(() => {
    const chosen = tf.less(randomUniform(createKey(seed), x.shape), share);
    return tf.where(chosen, tf.mul(x, factor), x);
  });
}

/** Median ms of one product, read back (no settings to switch: one mode that sets nothing). */
function productMs(a: tf.Tensor, b: tf.Tensor): number {
  const modes = { once: () => {} };
  return (switchedProductMicroseconds(a, b, modes, PRODUCT_ROUNDS, 0).get('once') ?? 0) / 1000;
}

function productCosts(): void {
  const a = randomNormal(createKey(1), [400, 800]);
  const b = randomNormal(createKey(2), [800, 800]);
  const tinyA = scaleShare(a, 0.1, 1e-25, 5);
  const cases: [string, tf.Tensor, tf.Tensor][] = [
    ['normal operands', a, b],
    ['1% of A subnormal (×1e-39)', scaleShare(a, 0.01, 1e-39, 3), b],
    ['10% of A subnormal (×1e-39)', scaleShare(a, 0.1, 1e-39, 4), b],
    ['10% of A ×1e-25 (normal), B normal', tinyA, b],
    ['10% of A ×1e-25, 10% of B ×1e-20 (products underflow)', tinyA, scaleShare(b, 0.1, 1e-20, 6)],
  ];
  console.log(`[400, 800] × [800, 800] on wasm, ms median of ${PRODUCT_ROUNDS}:`);
  for (const [what, left, right] of cases) {
    console.log(`  ${what}: ${productMs(left, right).toFixed(2)}`);
  }
  tf.dispose(cases.flatMap(([, left, right]) => [left, right]));
}

/** Counts of operand values below 2^-126 and 2^-63, by operand shape. */
type Census = Map<string, { subnormal: number; belowProductSafe: number; elements: number }>;

/** Runs `steps` steps with every BatchMatMul's operands counted into `census`. */
async function countOperands(step: () => Promise<void>, steps: number, census: Census) {
  const original = tf.getKernel(tf.BatchMatMul, 'wasm');
  if (original === undefined) throw new Error('no wasm BatchMatMul');
  tf.unregisterKernel(tf.BatchMatMul, 'wasm');
  tf.registerKernel({
    ...original,
    kernelFunc: (args) => {
      const backend = args.backend as tf.KernelBackend;
      for (const [name, info] of Object.entries(args.inputs)) {
        if (info === undefined) continue;
        const values = backend.readSync(info.dataId) as Float32Array;
        const key = `${name} [${info.shape}]`;
        const entry = census.get(key) ?? { subnormal: 0, belowProductSafe: 0, elements: 0 };
        for (const x of values) {
          const size = Math.abs(x);
          if (size > 0 && size < SMALLEST_NORMAL) entry.subnormal += 1;
          if (size > 0 && size < PRODUCT_SAFE) entry.belowProductSafe += 1;
        }
        entry.elements += values.length;
        census.set(key, entry);
      }
      return original.kernelFunc(args);
    },
  });
  try {
    for (let i = 0; i < steps; i += 1) await step();
  } finally {
    tf.unregisterKernel(tf.BatchMatMul, 'wasm');
    tf.registerKernel(original);
  }
}

async function census(contender: Contender): Promise<void> {
  const prepared = await contender.setup(PTB_SMALL_SHAPE);
  for (let i = 0; i < WARM_STEPS; i += 1) await prepared.step();
  const counts: Census = new Map();
  await countOperands(() => prepared.step(), CENSUS_STEPS, counts);
  await prepared.dispose();
  let subnormal = 0;
  let tiny = 0;
  let elements = 0;
  console.log(
    `${contender.name}: BatchMatMul operands over steps ${WARM_STEPS + 1}–${WARM_STEPS + CENSUS_STEPS}`,
  );
  for (const [key, entry] of counts) {
    subnormal += entry.subnormal;
    tiny += entry.belowProductSafe;
    elements += entry.elements;
    if (entry.belowProductSafe > 0) {
      console.log(
        `  ${key}: ${entry.subnormal} subnormal, ${entry.belowProductSafe} below 2^-63 of ${entry.elements}`,
      );
    }
  }
  console.log(`  all: ${subnormal} subnormal, ${tiny} below 2^-63 of ${elements} values read`);
}

/** The GRU twins of the pSGLD pair: the GRU cell is composed of tfjs ops, which flush nothing. */
const GRU_CONTENDERS = [PSGLD_OPTIONS, RMSPROP_OPTIONS].map((options) =>
  oursLmStepContender({ ...options, name: `${options.name}-gru`, cell: 'gru' }),
);

const names = process.argv.length > 2 ? process.argv.slice(2) : ['rmsprop', 'psgld'];
const known = [...CONTENDERS, ...GRU_CONTENDERS];
const chosen = names.map((name) => known.find((c) => c.name === name && c.inProcess));
const unknown = names.filter((_, i) => chosen[i] === undefined);
if (unknown.length > 0) throw new Error(`subnormal-operands: no in-process contender ${unknown}`);
productCosts();
for (const contender of chosen) if (contender !== undefined) await census(contender);
