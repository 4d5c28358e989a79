/**
 * Why the tied step uses matMul + add and untied masks one kernel transpose per step:
 * `npx vitest bench --run src/gate` (`BAYESRNN_BACKEND=wasm` for wasm). Forward and backward of
 * one LSTM step's gate pre-activations, batch 20, input = hidden = 200, against alternatives:
 * - "tf.fused.matMul": the tied step with the bias fused into the matmul;
 * - "column slices": 4 matmuls against 4 column slices of the kernel (also copies the kernel);
 * - "full width": every masked copy of [x; h] times the whole kernel, keeping the diagonal
 *   blocks (no weight copy, 4× the multiply work).
 *
 * Measured 2026-11-21 on 2 shared cores, mean ms per fwd + bwd (cpu / wasm): tied 30 / 1.7,
 * tied fused 39 / 2.7, untied with the kernel transpose 49 / 2.5, column slices 139 / 9.1,
 * full width 143 / 6.6. Untied costs about 1.5× tied, in line with Gal's Torch comment that
 * tied is "about 65% faster" (papers.md §3.1).
 */
import * as tf from '@tensorflow/tfjs-core';
import { bench, describe } from 'vitest';
import { gatePreActivations } from './gate-pre-activations.js';

const batchSize = 20;
const size = 200;
const gates = 4;
const rows = 2 * size;

/** An untied alternative: `x`, `h` `[batchSize, size]`, masks `[gates, batchSize, size]`. */
type UntiedPreActivations = (
  x: tf.Tensor2D,
  h: tf.Tensor2D,
  kernel: tf.Tensor2D,
  bias: tf.Tensor,
  zx: tf.Tensor,
  zh: tf.Tensor,
) => tf.Tensor[];

const columnSlices: UntiedPreActivations = (x, h, kernel, bias, zx, zh) => {
  const xs = tf.unstack(tf.mul(x, zx)) as tf.Tensor2D[];
  const hs = tf.unstack(tf.mul(h, zh)) as tf.Tensor2D[];
  return xs.map((xg, g) =>
    tf.fused.matMul({
      a: tf.concat([xg, hs[g] ?? h], 1) as tf.Tensor2D,
      b: tf.slice(kernel, [0, g * size], [rows, size]),
      bias: tf.slice(bias, g * size, size),
    }),
  );
};

const fullWidth: UntiedPreActivations = (x, h, kernel, bias, zx, zh) => {
  const stacked = tf.reshape(tf.concat([tf.mul(x, zx), tf.mul(h, zh)], 2), [
    gates * batchSize,
    rows,
  ]);
  const all = tf.reshape(tf.fused.matMul({ a: stacked as tf.Tensor2D, b: kernel, bias }), [
    gates,
    batchSize,
    gates,
    size,
  ]);
  return tf.unstack(tf.sum(tf.mul(all, tf.reshape(tf.eye(gates), [gates, 1, gates, 1])), 2));
};

describe(`LSTM gate pre-activations, batch ${batchSize}, hidden ${size}, fwd + bwd`, () => {
  const x = tf.randomNormal([batchSize, size], 0, 1, 'float32', 1) as tf.Tensor2D;
  const h = tf.randomNormal([batchSize, size], 0, 1, 'float32', 2) as tf.Tensor2D;
  const kernel = tf.randomNormal([rows, gates * size], 0, 0.1, 'float32', 3) as tf.Tensor2D;
  const bias = tf.zeros([gates * size]);
  const zx = tf.randomUniform([gates, batchSize, size], 0, 2, 'float32', 4);
  const zh = tf.randomUniform([gates, batchSize, size], 0, 2, 'float32', 5);
  const [zxTied, zhTied] = [
    tf.squeeze(tf.slice(zx, 0, 1), [0]),
    tf.squeeze(tf.slice(zh, 0, 1), [0]),
  ];
  const variants = {
    'tied (used)': (k: tf.Tensor2D, b: tf.Tensor) =>
      gatePreActivations(x, h, k, b, gates, zxTied, zhTied),
    'tied, tf.fused.matMul': (k: tf.Tensor2D, b: tf.Tensor) =>
      tf.split(
        tf.fused.matMul({
          a: tf.concat([tf.mul(x, zxTied), tf.mul(h, zhTied)], 1) as tf.Tensor2D,
          b: k,
          bias: b,
        }),
        gates,
        1,
      ),
    'untied (kernel transpose, used)': (k: tf.Tensor2D, b: tf.Tensor) =>
      gatePreActivations(x, h, k, b, gates, zx, zh),
    'untied, column slices': (k: tf.Tensor2D, b: tf.Tensor) => columnSlices(x, h, k, b, zx, zh),
    'untied, full width': (k: tf.Tensor2D, b: tf.Tensor) => fullWidth(x, h, k, b, zx, zh),
  };
  for (const [name, preActivations] of Object.entries(variants)) {
    bench(
      name,
      () => {
        tf.tidy(() => {
          const loss = (k: tf.Tensor, b: tf.Tensor) =>
            tf.addN(
              preActivations(k as tf.Tensor2D, b).map((a) => tf.sum(tf.tanh(a))),
            ) as tf.Scalar;
          for (const grad of tf.grads(loss)([kernel, bias])) grad.dataSync();
        });
      },
      { time: 1000, warmupIterations: 2 },
    );
  }
});
