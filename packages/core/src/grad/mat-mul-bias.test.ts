import { checkLeaksAfterEachTest, expectGradientsMatch } from '@bayesrnn/testing';
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { matMulBias } from './mat-mul-bias.js';

checkLeaksAfterEachTest();

const ROWS = 5;
const INNER = 4;
const COLUMNS = 3;

/** Seeded operands shaped for the transposes asked. */
function operands(transposeA: boolean, transposeB: boolean) {
  const a = tf.randomNormal(transposeA ? [INNER, ROWS] : [ROWS, INNER], 0, 1, 'float32', 1);
  const b = tf.randomNormal(transposeB ? [COLUMNS, INNER] : [INNER, COLUMNS], 0, 1, 'float32', 2);
  const bias = tf.randomNormal([COLUMNS], 0, 1, 'float32', 3);
  return { a: a as tf.Tensor2D, b: b as tf.Tensor2D, bias: bias as tf.Tensor1D };
}

/** Σ w ⊙ y for a fixed `w`, so every output element has its own weight in the loss. */
function weightedSum(y: tf.Tensor): tf.Scalar {
  return tf.tidy(() => tf.sum(tf.mul(y, tf.linspace(-1, 1, y.size).reshape(y.shape))));
}

const TRANSPOSES = [
  [false, false],
  [false, true],
  [true, false],
  [true, true],
] as const;

describe('matMulBias', () => {
  it.each(TRANSPOSES)(
    'gives tf.fused.matMul’s values and gradients bit for bit (transposeA %s, transposeB %s)',
    (transposeA, transposeB) => {
      const { a, b, bias } = operands(transposeA, transposeB);
      const ours = (x: tf.Tensor, y: tf.Tensor, z: tf.Tensor) =>
        matMulBias(x as tf.Tensor2D, y as tf.Tensor2D, z as tf.Tensor1D, {
          transposeA,
          transposeB,
        });
      const theirs = (x: tf.Tensor, y: tf.Tensor, z: tf.Tensor) =>
        tf.fused.matMul({
          a: x as tf.Tensor2D,
          b: y as tf.Tensor2D,
          bias: z,
          transposeA,
          transposeB,
        });
      const forward = [ours(a, b, bias), theirs(a, b, bias)];
      expect(forward[0]?.shape).toEqual([ROWS, COLUMNS]);
      expect(forward[0]?.dataSync()).toEqual(forward[1]?.dataSync());
      const oursGrads = tf.grads((x, y, z) => weightedSum(ours(x, y, z)))([a, b, bias]);
      const theirGrads = tf.grads((x, y, z) => weightedSum(theirs(x, y, z)))([a, b, bias]);
      oursGrads.forEach((gradient, index) => {
        expect(gradient.shape).toEqual(theirGrads[index]?.shape);
        expect(gradient.dataSync()).toEqual(theirGrads[index]?.dataSync());
      });
      tf.dispose([a, b, bias, ...forward, ...oursGrads, ...theirGrads]);
    },
  );

  it.each(TRANSPOSES)(
    'matches finite differences (transposeA %s, transposeB %s)',
    (transposeA, transposeB) => {
      const inputs = operands(transposeA, transposeB);
      expectGradientsMatch(
        ({ a, b, bias }) =>
          weightedSum(
            matMulBias(a as tf.Tensor2D, b as tf.Tensor2D, bias as tf.Tensor1D, {
              transposeA,
              transposeB,
            }),
          ),
        inputs,
      );
      tf.dispose(Object.values(inputs));
    },
  );

  it('runs only the products of the gradients asked for (tf.fused.matMul runs both)', async () => {
    const { a, b, bias } = operands(false, false);
    const productsFor = async (product: (x: tf.Tensor) => tf.Tensor) => {
      const profile = await tf.profile(() => {
        const [db] = tf.grads((x) => weightedSum(product(x)))([b]);
        db?.dispose();
      });
      return profile.kernels.filter((kernel) => kernel.name === 'BatchMatMul').length;
    };
    const ours = await productsFor((x) => matMulBias(a, x as tf.Tensor2D, bias));
    const fused = await productsFor((x) => tf.fused.matMul({ a, b: x as tf.Tensor2D, bias }));
    // d b = aᵀ · dy alone; the fused op's gradient also computes d a = dy · bᵀ.
    expect(ours).toBe(1);
    expect(fused).toBe(2);
    tf.dispose([a, b, bias]);
  });

  it('names the shapes it cannot multiply', () => {
    const { a, b, bias } = operands(false, false);
    expect(() => matMulBias(a, a, bias)).toThrow(/matching inner sizes.*a \[5,4\], b \[5,4\]/);
    const short = tf.zeros([2]) as tf.Tensor1D;
    expect(() => matMulBias(a, b, short)).toThrow('bias has 2 values, the product 3 columns');
    tf.dispose([a, b, bias, short]);
  });
});
