import { createKey, initWeights } from '@bayesrnn/core';
import { expectClose, expectGradientsMatch, expectNoLeaks, TOLERANCES } from '@bayesrnn/testing';
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import {
  ATTENTION_BIAS,
  ATTENTION_KERNEL,
  ATTENTION_MEMORY,
  ATTENTION_QUERY,
  attentionScores,
  attentionWeightSpecs,
  linearAttentionScores,
  mlpAttentionScores,
} from './attention-scores.js';
import { sparseAttentionWeights } from './sparse-attention.js';

// Two rows, three memories, hidden size 2; the MLP's hidden width is 3 (≠ 2, so a transposed
// W_q or W_m would not even multiply).
const query = [
  [0.5, -1],
  [2, 0.1],
];
const memories = [
  [
    [0, 0],
    [1, -0.5],
    [-2, 3],
  ],
  [
    [0.3, 0.3],
    [-1, 1],
    [0.2, -0.7],
  ],
];
const linearKernel = [0.4, -1.3, 2, 0.7];
const mlp = {
  query: [
    [0.6, -0.2, 1.1],
    [-0.9, 0.4, 0.3],
  ],
  memory: [
    [1.2, 0.5, -0.7],
    [0.1, -1.4, 0.8],
  ],
  bias: [0.1, -0.3, 0.2],
  kernel: [1.5, -0.8, 1.1],
};

/** vᵀ tanh(W_q q + W_m m + b), one memory at a time, in float64. */
function mlpScore(q: number[], m: number[]): number {
  return mlp.kernel.reduce((sum, v, j) => {
    let pre = mlp.bias[j] ?? 0;
    for (let i = 0; i < q.length; i += 1) {
      pre += (q[i] ?? 0) * (mlp.query[i]?.[j] ?? 0) + (m[i] ?? 0) * (mlp.memory[i]?.[j] ?? 0);
    }
    return sum + v * Math.tanh(pre);
  }, 0);
}

function mlpTensors() {
  return {
    query: tf.tensor2d(mlp.query),
    memory: tf.tensor2d(mlp.memory),
    bias: tf.tensor1d(mlp.bias),
    kernel: tf.tensor1d(mlp.kernel),
  };
}

/** ã of one batch row of memories for a query, with the MLP or the linear score, topK 1. */
function sparseWeightsFor(q: number[], scoring: 'mlp' | 'linear'): Float32Array {
  return tf.tidy(() => {
    const weights =
      scoring === 'mlp'
        ? {
            [ATTENTION_QUERY]: tf.tensor2d(mlp.query),
            [ATTENTION_MEMORY]: tf.tensor2d(mlp.memory),
            [ATTENTION_BIAS]: tf.tensor1d(mlp.bias),
            [ATTENTION_KERNEL]: tf.tensor1d(mlp.kernel),
          }
        : { [ATTENTION_KERNEL]: tf.tensor1d(linearKernel) };
    const row = tf.tensor3d([memories[0] ?? []]);
    const scores = attentionScores(tf.tensor2d([q]), row, weights, scoring);
    return sparseAttentionWeights(scores, 1).dataSync() as Float32Array;
  });
}

describe('mlpAttentionScores', () => {
  it('scores a_i = vᵀ tanh(W_q ĥ + W_m m_i + b) for every memory of every row', () => {
    const expected = query.flatMap((q, b) => (memories[b] ?? []).map((m) => mlpScore(q, m)));
    tf.tidy(() => {
      const scores = mlpAttentionScores(tf.tensor2d(query), tf.tensor3d(memories), mlpTensors());
      expect(scores.shape).toEqual([2, 3]);
      expectClose(scores, expected, TOLERANCES.float32);
      // The same through attentionScores and the SAB weight names.
      const { query: q, memory, bias, kernel } = mlpTensors();
      const named = {
        [ATTENTION_QUERY]: q,
        [ATTENTION_MEMORY]: memory,
        [ATTENTION_BIAS]: bias,
        [ATTENTION_KERNEL]: kernel,
      };
      const viaName = attentionScores(tf.tensor2d(query), tf.tensor3d(memories), named, 'mlp');
      expectClose(viaName, scores, { rtol: 0, atol: 0 });
    });
  });

  it('makes the sparse attention depend on ĥ; the linear score does not', () => {
    const [first, second] = [
      [0.5, -1],
      [-1.5, 2],
    ];
    if (first === undefined || second === undefined) throw new Error('two queries');
    const mlpFirst = sparseWeightsFor(first, 'mlp');
    const mlpSecond = sparseWeightsFor(second, 'mlp');
    // topK 1 of three memories: a different memory is recalled for the other query.
    expect(Array.from(mlpFirst).map((w) => (w > 0.5 ? 1 : 0))).toEqual([1, 0, 0]);
    expect(Array.from(mlpSecond).map((w) => (w > 0.5 ? 1 : 0))).toEqual([0, 0, 1]);
    // The official code's score: tanh(ĥ)·w_ĥ shifts every score alike, and ã ignores it.
    expectClose(sparseWeightsFor(second, 'linear'), sparseWeightsFor(first, 'linear'), {
      rtol: 0,
      atol: 1e-6,
    });
  });

  it('has the gradient of finite differences for ĥ, the memories and every weight', () => {
    const inputs = {
      ...mlpTensors(),
      hHat: tf.tensor2d(query),
      memories: tf.tensor3d(memories),
    };
    const lossWeights = tf.tensor2d([
      [1, -2, 0.5],
      [-0.5, 2, 1],
    ]);
    expectGradientsMatch(
      ({ hHat, memories: m, ...weights }) =>
        tf.sum(
          tf.mul(
            mlpAttentionScores(hHat as tf.Tensor2D, m as tf.Tensor3D, {
              query: weights.query as tf.Tensor,
              memory: weights.memory as tf.Tensor,
              bias: weights.bias as tf.Tensor,
              kernel: weights.kernel as tf.Tensor,
            }),
            lossWeights,
          ),
        ),
      inputs,
    );
    tf.dispose([...Object.values(inputs), lossWeights]);
  });

  it('leaves no tensors behind, gradient included', async () => {
    const weights = mlpTensors();
    const hHat = tf.tensor2d(query);
    const m = tf.tensor3d(memories);
    await expectNoLeaks(() => {
      const gradients = tf.grads((q: tf.Tensor, memory: tf.Tensor) =>
        tf.sum(mlpAttentionScores(q as tf.Tensor2D, m, { ...weights, memory })),
      )([hHat, weights.memory]);
      tf.dispose(gradients);
      mlpAttentionScores(hHat, m, weights).dispose();
    }, 'MLP attention scores');
    tf.dispose([...Object.values(weights), hHat, m]);
  });
});

describe('linearAttentionScores', () => {
  it('scores a_i = wᵀ tanh([ĥ; m_i]) for every memory of every row', () => {
    const expected = query.flatMap((q, b) =>
      (memories[b] ?? []).map((m) =>
        [...q, ...m].reduce((sum, v, i) => sum + Math.tanh(v) * (linearKernel[i] ?? 0), 0),
      ),
    );
    tf.tidy(() => {
      const scores = linearAttentionScores(
        tf.tensor2d(query),
        tf.tensor3d(memories),
        tf.tensor1d(linearKernel),
      );
      expect(scores.shape).toEqual([2, 3]);
      expectClose(scores, expected, TOLERANCES.float32);
      const named = { [ATTENTION_KERNEL]: tf.tensor1d(linearKernel) };
      const viaName = attentionScores(tf.tensor2d(query), tf.tensor3d(memories), named, 'linear');
      expectClose(viaName, scores, { rtol: 0, atol: 0 });
    });
  });

  it('names a missing weight in attentionScores', () => {
    tf.tidy(() => {
      const kernel = { [ATTENTION_KERNEL]: tf.tensor1d([1, 2, 3]) };
      expect(() =>
        attentionScores(tf.tensor2d(query), tf.tensor3d(memories), kernel, 'mlp'),
      ).toThrow("attentionScores: missing weight 'attention/query'");
    });
  });
});

describe('attentionWeightSpecs', () => {
  it('initialises W_q, W_m Glorot uniform, b zeros and v N(0, 0.01²) for the MLP', () => {
    const specs = attentionWeightSpecs('mlp', 200, 1000);
    tf.tidy(() => {
      const weights = initWeights(specs, createKey(3));
      const again = initWeights(specs, createKey(3));
      const limit = Math.sqrt(6 / (200 + 1000));
      for (const name of [ATTENTION_QUERY, ATTENTION_MEMORY]) {
        const w = weights[name] as tf.Tensor;
        expect(w.shape).toEqual([200, 1000]);
        expect(tf.max(tf.abs(w)).dataSync()[0]).toBeLessThanOrEqual(limit);
        const { variance } = tf.moments(w);
        // U(−l, l) has variance l² / 3.
        expect(Math.sqrt(variance.dataSync()[0] ?? 0) / limit).toBeCloseTo(1 / Math.sqrt(3), 2);
        expectClose(w, again[name] as tf.Tensor, { rtol: 0, atol: 0 });
      }
      // Two different draws for W_q and W_m.
      const difference = tf.sub(
        weights[ATTENTION_QUERY] as tf.Tensor,
        weights[ATTENTION_MEMORY] as tf.Tensor,
      );
      expect(tf.max(tf.abs(difference)).dataSync()[0]).toBeGreaterThan(0);
      expectClose(weights[ATTENTION_BIAS] as tf.Tensor, new Float32Array(1000), {
        rtol: 0,
        atol: 0,
      });
      const { mean, variance } = tf.moments(weights[ATTENTION_KERNEL] as tf.Tensor);
      expect(Math.abs(mean.dataSync()[0] ?? 1)).toBeLessThan(0.002);
      expect(Math.sqrt(variance.dataSync()[0] ?? 0)).toBeCloseTo(0.01, 3);
    });
    expect(Object.keys(attentionWeightSpecs('linear', 4, 7))).toEqual([ATTENTION_KERNEL]);
    expect(attentionWeightSpecs('linear', 4, 7)[ATTENTION_KERNEL]?.shape).toEqual([8]);
  });
});
