import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MatMulProduct } from './__fixtures__/matmul-product.js';
import { selectBackend } from './select-backend.js';
import { originalKernelFunc } from './wasm-fast-matmul.js';
import { registerWasmFixes } from './wasm-fixes.js';
import { singleOutput } from './wasm-kernel-utils.js';

/** Relative-and-absolute tolerance for float32 sums of ≤ 16 products. */
const TOLERANCE = 1e-5;

function expectAllClose(actual: Float32Array, expected: Float32Array) {
  expect(actual.length).toBe(expected.length);
  actual.forEach((value, index) => {
    const reference = expected[index] ?? Number.NaN;
    expect(Math.abs(value - reference)).toBeLessThanOrEqual(TOLERANCE * (1 + Math.abs(reference)));
  });
}

type Product = MatMulProduct;

/** The operands of `[...aOuter, m, k] × [...bOuter, k, n]`, stored transposed when asked. */
function operands(product: Product, transposeA: boolean, transposeB: boolean) {
  const { aOuter, bOuter, m, k, n } = product;
  const aShape = transposeA ? [...aOuter, k, m] : [...aOuter, m, k];
  const bShape = transposeB ? [...bOuter, n, k] : [...bOuter, k, n];
  const seeded = (shape: number[], seed: number) =>
    tf.tidy(() => tf.randomNormal(shape, 0, 1, 'float32', seed).dataSync());
  const aValues = seeded(aShape, 1);
  const bValues = seeded(bShape, 2);
  return { a: () => tf.tensor(aValues, aShape), b: () => tf.tensor(bValues, bShape) };
}

async function valuesOn(backend: string, compute: () => tf.Tensor) {
  await tf.setBackend(backend);
  const result = tf.tidy(compute);
  const out = { values: result.dataSync() as Float32Array, shape: result.shape };
  result.dispose();
  return out;
}

/** Runs the unwrapped wasm kernel directly, the way the engine would. */
function runOriginal(kernelName: string, inputs: tf.NamedTensorMap, attrs: tf.NamedAttrMap) {
  const wrapped = tf.getKernel(kernelName, 'wasm').kernelFunc;
  const original = originalKernelFunc(wrapped);
  if (original === undefined) throw new Error(`${kernelName} is not wrapped`);
  const output = original({ inputs, backend: tf.backend(), attrs });
  return tf.engine().makeTensorFromTensorInfo(singleOutput(output, kernelName));
}

/** Each path of the wrapper: plain, fold (b unbatched), split (both batched), small batches. */
const products: Product[] = [
  { name: '[5,3]x[3,4]', aOuter: [], bOuter: [], m: 5, k: 3, n: 4 },
  { name: '[1,7]x[7,1] (unit dims)', aOuter: [], bOuter: [], m: 1, k: 7, n: 1 },
  { name: '[2,5,3]x[2,3,4] (small batch)', aOuter: [2], bOuter: [2], m: 5, k: 3, n: 4 },
  { name: '[3,20,16]x[3,16,24] (split)', aOuter: [3], bOuter: [3], m: 20, k: 16, n: 24 },
  { name: '[1,20,16]x[3,16,24] (shared a)', aOuter: [1], bOuter: [3], m: 20, k: 16, n: 24 },
  { name: '[2,3,5,4]x[4,6] (fold)', aOuter: [2, 3], bOuter: [], m: 5, k: 4, n: 6 },
  { name: '[2,3,20,16]x[2,3,16,24] (rank 4)', aOuter: [2, 3], bOuter: [2, 3], m: 20, k: 16, n: 24 },
];
const flags = [
  [false, false],
  [true, false],
  [false, true],
  [true, true],
] as const;

describe('fast matmul on wasm', () => {
  beforeAll(async () => {
    await selectBackend({ name: 'wasm', log: () => {} });
  });
  afterAll(async () => {
    await tf.setBackend('cpu');
  });

  it('wraps BatchMatMul and _FusedMatMul once, however often fixes are registered', () => {
    registerWasmFixes();
    registerWasmFixes();
    for (const kernelName of ['BatchMatMul', '_FusedMatMul']) {
      const original = originalKernelFunc(tf.getKernel(kernelName, 'wasm').kernelFunc);
      expect(original).toBeDefined();
      expect(original && originalKernelFunc(original)).toBeUndefined();
    }
  });

  for (const product of products) {
    for (const [transposeA, transposeB] of flags) {
      it(`BatchMatMul ${product.name} transposeA=${transposeA} transposeB=${transposeB}`, async () => {
        const { a, b } = operands(product, transposeA, transposeB);
        const multiply = () => tf.matMul(a(), b(), transposeA, transposeB);
        const cpu = await valuesOn('cpu', multiply);
        const wasm = await valuesOn('wasm', multiply);
        const original = await valuesOn('wasm', () =>
          runOriginal('BatchMatMul', { a: a(), b: b() }, { transposeA, transposeB }),
        );
        expect(wasm.shape).toEqual(cpu.shape);
        expectAllClose(wasm.values, cpu.values);
        expectAllClose(wasm.values, original.values);
      });
    }
  }

  const fusedProducts = products.filter((product) => product.aOuter.length <= 1);
  for (const product of fusedProducts) {
    for (const [transposeA, transposeB] of flags) {
      it(`_FusedMatMul ${product.name} + bias, relu, transposeA=${transposeA} transposeB=${transposeB}`, async () => {
        const { a, b } = operands(product, transposeA, transposeB);
        const bias = () => tf.linspace(-0.5, 0.5, product.n);
        const fused = () => {
          const [left, right] = [a(), b()];
          return tf.fused.matMul({
            a: left,
            b: right,
            transposeA,
            transposeB,
            bias: bias(),
            activation: 'relu',
          });
        };
        const cpu = await valuesOn('cpu', fused);
        const wasm = await valuesOn('wasm', fused);
        expect(wasm.shape).toEqual(cpu.shape);
        expectAllClose(wasm.values, cpu.values);
      });
    }
  }

  it('_FusedMatMul with per-column PReLU weights equals cpu', async () => {
    const product = products[3] as Product;
    const { a, b } = operands(product, true, false);
    const fused = () =>
      tf.fused.matMul({
        a: a() as tf.Tensor3D,
        b: b() as tf.Tensor3D,
        transposeA: true,
        activation: 'prelu',
        preluActivationWeights: tf.linspace(0.1, 0.3, product.n),
      });
    expectAllClose((await valuesOn('wasm', fused)).values, (await valuesOn('cpu', fused)).values);
  });

  it('documents why batched fused products are split: the original adds the bias wrongly', async () => {
    // If this starts failing, tfjs-backend-wasm fixed its batched bias and the split could go.
    const inputs = () => ({
      a: tf.zeros([2, 2, 1]),
      b: tf.zeros([2, 1, 3]),
      bias: tf.tensor1d([1, 2, 3]),
    });
    const attrs = { transposeA: false, transposeB: false, activation: 'linear' };
    const original = await valuesOn('wasm', () => runOriginal('_FusedMatMul', inputs(), attrs));
    expect(Array.from(original.values)).not.toEqual([1, 2, 3, 1, 2, 3, 1, 2, 3, 1, 2, 3]);
  });

  // tfjs's BatchMatMul gradient does not reduce broadcast batch dimensions (on any backend),
  // so gradients are checked on products whose batches match.
  const unbroadcast = products.filter((product) => `${product.aOuter}` === `${product.bOuter}`);

  it('gives matmul gradients equal to cpu, batched and not', async () => {
    for (const product of unbroadcast) {
      const { a, b } = operands(product, false, false);
      const gradients = () => {
        const loss = (left: tf.Tensor, right: tf.Tensor) => tf.sum(tf.sin(tf.matMul(left, right)));
        const [da, db] = tf.grads(loss)([a(), b()]);
        return tf.concat([tf.reshape(da as tf.Tensor, [-1]), tf.reshape(db as tf.Tensor, [-1])]);
      };
      const wasm = await valuesOn('wasm', gradients);
      expectAllClose(wasm.values, (await valuesOn('cpu', gradients)).values);
    }
  });

  it('leaks no tensors or wasm buffers on any path', async () => {
    await tf.setBackend('wasm');
    const tensorsBefore = tf.memory().numTensors;
    const buffersBefore = tf.engine().backend.numDataIds();
    for (const product of products) {
      const { a, b } = operands(product, true, true);
      const [left, right] = [a(), b()];
      tf.matMul(left, right, true, true).dispose();
      if (unbroadcast.includes(product)) {
        const loss = (x: tf.Tensor, y: tf.Tensor) => tf.sum(tf.matMul(x, y, true, true));
        for (const gradient of tf.grads(loss)([left, right])) gradient.dispose();
      }
      if (product.aOuter.length === 1) {
        const bias = tf.ones([product.n]);
        const [left3, right3] = [left as tf.Tensor3D, right as tf.Tensor3D];
        tf.fused
          .matMul({ a: left3, b: right3, transposeA: true, transposeB: true, bias })
          .dispose();
        bias.dispose();
      }
      tf.dispose([left, right]);
    }
    expect(tf.memory().numTensors).toBe(tensorsBefore);
    expect(tf.engine().backend.numDataIds()).toBe(buffersBefore);
  });
});
