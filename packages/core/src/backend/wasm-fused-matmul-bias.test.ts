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
 * How a bias's buffer is stored: as its own shape, flat (rank 1), or with a leading axis of
 * 1. wasm's fused kernel reads the stored shape, not the tensor's, so all three matter.
 */
type Storage = 'own' | 'flat' | 'padded';
const storages: Storage[] = ['own', 'flat', 'padded'];

/** Operands of `product`, stored transposed when asked, and a bias of `biasShape`. */
function operands(product: Product, biasShape: number[], transposeA: boolean, transposeB: boolean) {
  const aShape = transposeA ? [...product.aOuter, K, M] : [...product.aOuter, M, K];
  const bShape = transposeB ? [...product.bOuter, N, K] : [...product.bOuter, K, N];
  const [aValues, bValues] = [seeded(aShape, 1), seeded(bShape, 2)];
  const biasValues = seeded(biasShape, 3);
  return {
    a: () => tf.tensor(aValues, aShape),
    b: () => tf.tensor(bValues, bShape),
    bias: (storage: Storage = 'own') => {
      if (storage === 'own') return tf.tensor(biasValues, biasShape);
      const stored = storage === 'flat' ? [biasValues.length] : [1, ...biasShape];
      return tf.tidy(() => tf.reshape(tf.tensor(biasValues, stored), biasShape));
    },
  };
}

type FusedOptions = Omit<Parameters<typeof tf.fused.matMul>[0], 'a' | 'b'>;
type Activation = NonNullable<FusedOptions['activation']>;

/** `tf.fused.matMul` of `a × b` (rank 2 or 3; its types ask for rank 3 only). */
function fused(a: tf.Tensor, b: tf.Tensor, options: FusedOptions): tf.Tensor {
  return tf.fused.matMul({ a: a as tf.Tensor3D, b: b as tf.Tensor3D, ...options });
}

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
      it(`${product.name} + bias [${biasShape}] equals cpu (any transpose, storage; linear, relu)`, async () => {
        for (const [transposeA, transposeB] of flags) {
          const { a, b, bias } = operands(product, biasShape, transposeA, transposeB);
          for (const activation of ['linear', 'relu'] as const) {
            for (const storage of storages) {
              const options = { transposeA, transposeB, activation };
              const compute = () => fused(a(), b(), { ...options, bias: bias(storage) });
              const cpu = await valuesOn('cpu', compute);
              const wasm = await valuesOn('wasm', compute);
              expect(wasm.shape).toEqual(cpu.shape);
              expectAllClose(wasm.values, cpu.values);
            }
          }
        }
      });
    }
  }

  it('adds each batch entry its own [batch, 1, n] or [batch, 1, 1] bias (reported bug)', async () => {
    await tf.setBackend('wasm');
    // Was: batch 0's bias added to every entry (off by 5, 10, 15), or "only supports rank-1".
    const flat = tf.tidy(() => {
      const bias = tf.reshape(tf.range(0, BATCH * N), [BATCH, 1, N]);
      return fused(tf.zeros([BATCH, 2, K]), tf.zeros([BATCH, K, N]), { bias });
    });
    const entries = Array.from({ length: BATCH }, (_, entry) => entry * N);
    const rows = entries.flatMap((start) =>
      [0, 1].map(() => [0, 1, 2, 3, 4].map((c) => start + c)),
    );
    expect(Array.from(flat.dataSync())).toEqual(rows.flat());
    const perEntry = tf.tidy(() => {
      const bias = tf.tensor3d([1, 2, 3, 4], [BATCH, 1, 1]);
      return fused(tf.ones([BATCH, 1, K]), tf.ones([BATCH, K, 1]), { bias });
    });
    expect(Array.from(perEntry.dataSync())).toEqual([4, 5, 6, 7]);
    tf.dispose([flat, perEntry]);
  });

  it('applies every activation after a batched bias, as cpu does', async () => {
    const product = products[1] as Product;
    const { a, b, bias } = operands(product, [BATCH, 1, N], true, false);
    const activations: Activation[] = ['relu6', 'elu', 'sigmoid', 'leakyrelu', 'prelu'];
    for (const activation of activations) {
      for (const preluShape of [[N], [M, N], [M, 1]]) {
        const compute = () => {
          const size = tf.util.sizeFromShape(preluShape);
          const preluActivationWeights = tf.reshape(tf.linspace(0.1, 0.3, size), preluShape);
          const options = { transposeA: true, activation, leakyreluAlpha: 0.15 };
          return fused(a(), b(), { ...options, bias: bias(), preluActivationWeights });
        };
        const cpu = await valuesOn('cpu', compute);
        expectAllClose((await valuesOn('wasm', compute)).values, cpu.values);
      }
    }
  });

  it('gives gradients through a batched bias equal to cpu', async () => {
    for (const biasShape of [[BATCH, 1, N], [BATCH, M, N], [BATCH, 1, 1], [M, N], [N]]) {
      for (const [transposeA, transposeB] of flags) {
        for (const activation of ['linear', 'relu'] as const) {
          const product = products[1] as Product;
          const { a, b, bias } = operands(product, biasShape, transposeA, transposeB);
          const gradients = () => {
            const options = { transposeA, transposeB, activation };
            const loss = (x: tf.Tensor, y: tf.Tensor, z: tf.Tensor) =>
              tf.sum(tf.sin(fused(x, y, { ...options, bias: z })));
            const grads = tf.grads(loss)([a(), b(), bias()]);
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
    const addSpy = vi.spyOn(tf.getKernel(tf.Add, 'wasm'), 'kernelFunc');
    const product = products[1] as Product;
    const run = (biasShape: number[]) => {
      const { a, b, bias } = operands(product, biasShape, false, true);
      tf.tidy(() => fused(a(), b(), { transposeB: true, bias: bias(), activation: 'relu' }));
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
    const preluWeights = tf.fill([M, 1], 0.2);
    for (const product of products) {
      for (const [index, biasShape] of biasShapes(product).entries()) {
        const { a, b, bias } = operands(product, biasShape, true, true);
        const [left, right, z] = [a(), b(), bias(storages[index % 3])];
        const run = (x: tf.Tensor, y: tf.Tensor, w: tf.Tensor, activation: Activation) => {
          const prelu = activation === 'prelu' ? { preluActivationWeights: preluWeights } : {};
          const options = { transposeA: true, transposeB: true, activation, ...prelu };
          return fused(x, y, { ...options, bias: w });
        };
        run(left, right, z, 'relu').dispose();
        run(left, right, z, 'prelu').dispose();
        // tfjs's matmul gradients do not reduce broadcast batch axes (on any backend).
        if (`${product.aOuter}` !== `${product.bOuter}`) {
          tf.dispose([left, right, z]);
          continue;
        }
        // 'linear' keeps the fused kernel under gradients too (tfjs unfuses other activations).
        const loss = (x: tf.Tensor, y: tf.Tensor, w: tf.Tensor) => tf.sum(run(x, y, w, 'linear'));
        tf.dispose(tf.grads(loss)([left, right, z]));
        tf.dispose([left, right, z]);
      }
    }
    preluWeights.dispose();
    expect(tf.memory().numTensors).toBe(tensorsBefore);
    expect(tf.engine().backend.numDataIds()).toBe(buffersBefore);
  });
});
