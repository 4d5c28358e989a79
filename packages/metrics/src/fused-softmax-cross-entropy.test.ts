import { createKey, randomNormal, selectBackend } from '@bayesrnn/core';
import { expectClose, kernelSourceSha256 } from '@bayesrnn/testing';
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  fusedSoftmaxCrossEntropy,
  fusedSoftmaxCrossEntropyGrad,
  SOFTMAX_XENT_GRAD_KERNEL,
  SOFTMAX_XENT_KERNEL,
} from './fused-softmax-cross-entropy.js';
import { SOFTMAX_XENT_SOURCE_SHA256 } from './softmax-cross-entropy-wasm.generated.js';
import { sparseSoftmaxCrossEntropy } from './sparse-softmax-cross-entropy.js';

/** Logits (scaled normals), targets and a non-uniform upstream gradient of one case. */
function fixtures(rows: number, vocab: number, scale = 3) {
  const logits = tf.tidy(() => tf.mul(randomNormal(createKey(rows + vocab), [rows, vocab]), scale));
  const ids = Array.from({ length: rows }, (_, r) => (r * 7919 + 3) % vocab);
  const targets = tf.tensor1d(ids, 'int32');
  const dy = tf.tidy(() => tf.add(randomNormal(createKey(rows), [rows]), 0.5));
  return { logits: logits as tf.Tensor2D, targets, dy };
}

/** The loss Σ dy · nll, its value per row and its gradient in the logits, on `backend`. */
async function lossOn(backend: string, rows: number, vocab: number, scale?: number) {
  await selectBackend({ name: backend, log: () => {} });
  const before = tf.memory().numTensors;
  const { logits, targets, dy } = fixtures(rows, vocab, scale);
  const nll = tf.tidy(() => sparseSoftmaxCrossEntropy(logits, targets).dataSync());
  const gradient = tf.tidy(() =>
    tf
      .grad((x: tf.Tensor) =>
        tf.sum(tf.mul(sparseSoftmaxCrossEntropy(x as tf.Tensor2D, targets), dy)),
      )(logits)
      .dataSync(),
  );
  tf.dispose([logits, targets, dy]);
  expect(tf.memory().numTensors).toBe(before);
  return { nll: Array.from(nll), gradient: Array.from(gradient) };
}

// Shapes: a SIMD tail, split over both threads; a few rows whose
// columns are all tail; two columns (oneHot needs two); huge logits (the shift by the row's maximum).
const SHAPES: [string, number, number, number][] = [
  ['160 × 1,003 (two threads)', 160, 1_003, 3],
  ['7 × 5 (tails)', 7, 5, 3],
  ['3 × 2', 3, 2, 3],
  ['logits of 1e4', 5, 37, 1e4],
];

describe('the sparse softmax cross-entropy on wasm against cpu', () => {
  afterAll(async () => {
    await selectBackend({ name: 'cpu', log: () => {} });
  });

  it.each(SHAPES)('%s: the same NLL and gradient', async (_, rows, vocab, scale) => {
    const reference = await lossOn('cpu', rows, vocab, scale);
    const ours = await lossOn('wasm', rows, vocab, scale);
    expectClose(ours.nll, reference.nll, { rtol: 2e-6, atol: 2e-6 }, 'nll');
    expectClose(ours.gradient, reference.gradient, { rtol: 1e-5, atol: 1e-7 }, 'gradient');
  });
});

describe('fusedSoftmaxCrossEntropy on wasm (wasm/softmax-cross-entropy.c)', () => {
  beforeAll(async () => {
    await selectBackend({ name: 'wasm', log: () => {} });
  });
  afterAll(async () => {
    await selectBackend({ name: 'cpu', log: () => {} });
  });

  it('gives exp(x − m), Σ and dx bit for bit as the tfjs ops on wasm', () => {
    const before = tf.memory().numTensors;
    const { logits, targets, dy } = fixtures(64, 1_003);
    const fused = fusedSoftmaxCrossEntropy(logits, targets);
    if (fused === undefined) throw new Error('the fused kernel did not run on wasm');
    tf.tidy(() => {
      const e = tf.exp(tf.sub(logits, tf.max(logits, 1, true)));
      const s = tf.sum(e, 1);
      expect(fused.exponentials.dataSync()).toEqual(e.dataSync());
      expect(fused.sums.dataSync()).toEqual(s.dataSync());
      const composedDx = tf.sub(
        tf.mul(e, tf.div(tf.reshape(dy, [-1, 1]), tf.reshape(s, [-1, 1]))),
        tf.mul(tf.oneHot(targets, 1_003), tf.reshape(dy, [-1, 1])),
      );
      const dx = fusedSoftmaxCrossEntropyGrad(fused.exponentials, fused.sums, targets, dy);
      expect(dx.dataSync()).toEqual(composedDx.dataSync());
    });
    tf.dispose([logits, targets, dy, fused.nll, fused.exponentials, fused.sums]);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('writes a gradient below 2^-63 (a word the model rules out) as zero, where the ops keep it', () => {
    const before = tf.memory().numTensors;
    // Seven columns (a tail of three), shifted by their maximum 1: e^-51 ≈ 7e-23 and e^-61 are
    // under 2^-63, e^-41 ≈ 1.6e-18 is not.
    const logits = tf.tensor2d([[0, -40, -50, -60, 1, -50, -40]]);
    const targets = tf.tensor1d([0], 'int32');
    const dy = tf.tensor1d([1]);
    const fused = fusedSoftmaxCrossEntropy(logits, targets);
    if (fused === undefined) throw new Error('the fused kernel did not run on wasm');
    const [dx, composed] = tf.tidy(() => {
      const e = tf.exp(tf.sub(logits, tf.max(logits, 1, true)));
      const oneHot = tf.oneHot(targets, 7);
      const ops = tf.sub(tf.mul(e, tf.div(dy, tf.sum(e, 1))), oneHot);
      const ours = fusedSoftmaxCrossEntropyGrad(fused.exponentials, fused.sums, targets, dy);
      return [Array.from(ours.dataSync()), Array.from(ops.dataSync())];
    });
    for (const column of [2, 3, 5]) {
      expect(composed?.[column]).toBeGreaterThan(0);
      expect(dx?.[column], `dx[${column}]`).toBe(0);
    }
    for (const column of [0, 1, 4, 6]) expect(dx?.[column]).toBe(composed?.[column]);
    tf.dispose([logits, targets, dy, fused.nll, fused.exponentials, fused.sums]);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('runs one kernel forward and one backward', async () => {
    const before = tf.memory().numTensors;
    const { logits, targets, dy } = fixtures(20, 300);
    const profile = await tf.profile(() =>
      tf.tidy(() => {
        const loss = (x: tf.Tensor) =>
          tf.sum(tf.mul(sparseSoftmaxCrossEntropy(x as tf.Tensor2D, targets), dy));
        tf.grad(loss)(logits).dataSync();
      }),
    );
    const names = profile.kernels.map((k) => k.name);
    expect(names.filter((n) => n === SOFTMAX_XENT_KERNEL)).toHaveLength(1);
    expect(names.filter((n) => n === SOFTMAX_XENT_GRAD_KERNEL)).toHaveLength(1);
    for (const composed of ['Exp', 'Max', 'OneHot', 'Log']) expect(names).not.toContain(composed);
    tf.dispose([logits, targets, dy]);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('gives a NaN NLL for a target outside the vocabulary, and refuses mismatched shapes', () => {
    const before = tf.memory().numTensors;
    const logits = tf.tensor2d([1, 2, 3, 4], [2, 2]);
    const targets = tf.tensor1d([1, 5], 'int32');
    const nll = sparseSoftmaxCrossEntropy(logits, targets);
    const [first, second] = nll.dataSync();
    expectClose(first ?? Number.NaN, Math.log1p(Math.exp(-1)), { rtol: 1e-6, atol: 0 }, 'nll');
    expect(second).toBeNaN();
    const three = tf.tensor1d([0, 1, 1], 'int32');
    expect(() => fusedSoftmaxCrossEntropy(logits, three)).toThrow(
      /\[rows\] targets, got \[2,2\] and \[3\]/,
    );
    tf.dispose([logits, targets, nll, three]);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('was built from the committed wasm/softmax-cross-entropy.c', () => {
    const source = new URL('../wasm/softmax-cross-entropy.c', import.meta.url);
    expect(kernelSourceSha256(source)).toBe(SOFTMAX_XENT_SOURCE_SHA256);
  });
});
