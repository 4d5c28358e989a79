import * as tf from '@tensorflow/tfjs-core';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { selectBackend } from './select-backend.js';

/** Relative-and-absolute tolerance for float32 sums of a few products. */
const TOLERANCE = 1e-5;

function expectAllClose(actual: Float32Array, expected: Float32Array) {
  expect(actual.length).toBe(expected.length);
  actual.forEach((value, index) => {
    const reference = expected[index] ?? Number.NaN;
    expect(Math.abs(value - reference)).toBeLessThanOrEqual(TOLERANCE * (1 + Math.abs(reference)));
  });
}

async function valuesOn(backend: string, compute: () => tf.Tensor) {
  await tf.setBackend(backend);
  const result = tf.tidy(compute);
  const out = { values: result.dataSync() as Float32Array, shape: result.shape };
  result.dispose();
  return out;
}

interface Product {
  readonly name: string;
  readonly aOuter: number[];
  readonly bOuter: number[];
}

/** Every product is `[..., M, K] × [..., K, N]`, batched over {@link BATCH} or not. */
const [M, K, N, BATCH] = [6, 3, 5, 4];

/** One per path of the matmul wrapper: plain, split, fold (shared b), split (shared a). */
const products: Product[] = [
  { name: '[6,3]x[3,5]', aOuter: [], bOuter: [] },
  { name: '[4,6,3]x[4,3,5]', aOuter: [BATCH], bOuter: [BATCH] },
  { name: '[4,6,3]x[3,5] (shared b)', aOuter: [BATCH], bOuter: [] },
  { name: '[6,3]x[4,3,5] (shared a)', aOuter: [], bOuter: [BATCH] },
];

/** Every bias shape that broadcasts to the (rank ≤ 3) output on cpu. */
function biasShapes(product: Product): number[][] {
  const plain = [[N], [1], [], [M, N], [1, N], [M, 1], [1, 1, N]];
  const isBatched = product.aOuter.length + product.bOuter.length > 0;
  const batched = [
    [BATCH, 1, N],
    [BATCH, M, N],
    [BATCH, 1, 1],
    [BATCH, M, 1],
  ];
  return isBatched ? [...plain, ...batched] : plain;
}

const flags = [
  [false, false],
  [true, false],
  [false, true],
  [true, true],
] as const;

function seeded(shape: number[], seed: number) {
  return tf.tidy(() => tf.randomNormal(shape, 0, 1, 'float32', seed).dataSync());
}

/**
 * Operands of `product`, stored transposed when asked, and a bias of `biasShape` built two
 * ways: as its own tensor, and as a reshaped rank-1 tensor (wasm keeps the stored shape).
 */
function operands(product: Product, biasShape: number[], transposeA: boolean, transposeB: boolean) {
  const aShape = transposeA ? [...product.aOuter, K, M] : [...product.aOuter, M, K];
  const bShape = transposeB ? [...product.bOuter, N, K] : [...product.bOuter, K, N];
  const [aValues, bValues] = [seeded(aShape, 1), seeded(bShape, 2)];
  const biasValues = seeded(biasShape, 3);
  return {
    a: () => tf.tensor(aValues, aShape),
    b: () => tf.tensor(bValues, bShape),
    bias: (reshaped: boolean) =>
      reshaped ? tf.reshape(tf.tensor1d(biasValues), biasShape) : tf.tensor(biasValues, biasShape),
  };
}

type Activation = 'linear' | 'relu' | 'relu6' | 'elu' | 'sigmoid' | 'leakyrelu' | 'prelu';

describe('fused matmul bias on wasm', () => {
  beforeAll(async () => {
    await selectBackend({ name: 'wasm', log: () => {} });
  });
  afterEach(() => {
    vi.restoreAllMocks();
  });
  afterAll(async () => {
    await tf.setBackend('cpu');
  });

  for (const product of products) {
    for (const biasShape of biasShapes(product)) {
      it(`${product.name} + bias [${biasShape}] equals cpu, any transpose, linear and relu`, async () => {
        for (const [transposeA, transposeB] of flags) {
          const { a, b, bias } = operands(product, biasShape, transposeA, transposeB);
          for (const activation of ['linear', 'relu'] as const) {
            for (const reshaped of [false, true]) {
              const fused = () =>
                tf.fused.matMul({
                  a: a() as tf.Tensor3D,
                  b: b() as tf.Tensor3D,
                  transposeA,
                  transposeB,
                  bias: bias(reshaped),
                  activation,
                });
              const cpu = await valuesOn('cpu', fused);
              const wasm = await valuesOn('wasm', fused);
              expect(wasm.shape).toEqual(cpu.shape);
              expectAllClose(wasm.values, cpu.values);
            }
          }
        }
      });
    }
  }

  it('applies every activation after a batched bias, as cpu does', async () => {
    const product = products[1] as Product;
    const { a, b, bias } = operands(product, [BATCH, 1, N], true, false);
    const activations: Activation[] = ['relu6', 'elu', 'sigmoid', 'leakyrelu', 'prelu'];
    for (const activation of activations) {
      for (const preluShape of [[N], [M, N], [M, 1]]) {
        const fused = () =>
          tf.fused.matMul({
            a: a() as tf.Tensor3D,
            b: b() as tf.Tensor3D,
            transposeA: true,
            bias: bias(false),
            activation,
            preluActivationWeights: tf.reshape(
              tf.linspace(0.1, 0.3, tf.util.sizeFromShape(preluShape)),
              preluShape,
            ),
            leakyreluAlpha: 0.15,
          });
        const cpu = await valuesOn('cpu', fused);
        expectAllClose((await valuesOn('wasm', fused)).values, cpu.values);
      }
    }
  });

  it('gives gradients through a batched bias equal to cpu', async () => {
    for (const biasShape of [[BATCH, 1, N], [BATCH, M, N], [BATCH, 1, 1], [M, N], [N]]) {
      for (const [transposeA, transposeB] of flags) {
        for (const activation of ['linear', 'relu'] as const) {
          const { a, b, bias } = operands(products[1] as Product, biasShape, transposeA, transposeB);
          const gradients = () => {
            const loss = (x: tf.Tensor, y: tf.Tensor, z: tf.Tensor) => {
              const [left, right] = [x as tf.Tensor3D, y as tf.Tensor3D];
              const fused = tf.fused.matMul({ a: left, b: right, transposeA, transposeB, bias: z, activation });
              return tf.sum(tf.sin(fused));
            };
            const grads = tf.grads(loss)([a(), b(), bias(false)]);
            return tf.concat(grads.map((gradient) => tf.reshape(gradient, [-1])));
          };
          const cpu = await valuesOn('cpu', gradients);
          expectAllClose((await valuesOn('wasm', gradients)).values, cpu.values);
        }
      }
    }
  });

  it('keeps a rank-1 bias on the fused kernel and adds any other bias with Add', async () => {
    await tf.setBackend('wasm');
    const add = tf.getKernel(tf.Add, 'wasm');
    const addSpy = vi.spyOn(add, 'kernelFunc');
    const product = products[1] as Product;
    const run = (biasShape: number[]) => {
      const { a, b, bias } = operands(product, biasShape, false, true);
      const [left, right, z] = [a() as tf.Tensor3D, b() as tf.Tensor3D, bias(false)];
      tf.fused.matMul({ a: left, b: right, transposeB: true, bias: z, activation: 'relu' }).dispose();
      tf.dispose([left, right, z]);
    };
    run([N]);
    expect(addSpy).not.toHaveBeenCalled();
    run([BATCH, 1, N]);
    expect(addSpy).toHaveBeenCalledTimes(1);
  });

  it('leaks no tensors or wasm buffers, forwards and gradients', async () => {
    await tf.setBackend('wasm');
    const tensorsBefore = tf.memory().numTensors;
    const buffersBefore = tf.engine().backend.numDataIds();
    for (const product of products) {
      for (const biasShape of biasShapes(product)) {
        const { a, b, bias } = operands(product, biasShape, true, true);
        const [left, right, z] = [a() as tf.Tensor3D, b() as tf.Tensor3D, bias(true)];
        // 'linear' keeps the fused kernel under gradients too (tfjs unfuses other activations).
        const fused = (x: tf.Tensor, y: tf.Tensor, w: tf.Tensor, activation: Activation) =>
          tf.fused.matMul({
            a: x as tf.Tensor3D,
            b: y as tf.Tensor3D,
            transposeA: true,
            transposeB: true,
            bias: w,
            activation,
          });
        fused(left, right, z, 'relu').dispose();
        // tfjs's matmul gradients do not reduce broadcast batch axes (on any backend).
        if (`${product.aOuter}` !== `${product.bOuter}`) {
          tf.dispose([left, right, z]);
          continue;
        }
        const loss = (x: tf.Tensor, y: tf.Tensor, w: tf.Tensor) =>
          tf.sum(fused(x, y, w, 'linear'));
        tf.dispose(tf.grads(loss)([left, right, z]));
        tf.dispose([left, right, z]);
      }
    }
    expect(tf.memory().numTensors).toBe(tensorsBefore);
    expect(tf.engine().backend.numDataIds()).toBe(buffersBefore);
  });
});
