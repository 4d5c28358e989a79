import { selectBackend } from '@bayesrnn/core';
import * as tf from '@tensorflow/tfjs-core';

await selectBackend({ name: 'wasm', log: () => {} });
const x = tf.randomNormal([20, 20, 800]);
const time = (name, f) => {
  for (let i = 0; i < 3; i++) tf.tidy(f);
  const ts = [];
  for (let i = 0; i < 21; i++) {
    const t = performance.now();
    tf.tidy(f);
    ts.push(performance.now() - t);
  }
  ts.sort((a, b) => a - b);
  console.log(name.padEnd(30), ts[10].toFixed(3), 'ms');
};
time('unstack axis1', () => {
  const parts = tf.unstack(x, 1);
  parts[19].dataSync();
});
time('transpose+unstack axis0', () => {
  const parts = tf.unstack(tf.transpose(x, [1, 0, 2]), 0);
  parts[19].dataSync();
});
time('split axis1', () => {
  const parts = tf.split(x, 20, 1);
  parts[19].dataSync();
});
time('stack axis1', () => {
  const parts = tf.unstack(x, 1);
  tf.stack(parts, 1).dataSync();
});
const p = await tf.profile(() =>
  tf.tidy(() => {
    tf.unstack(x, 1)[0].dataSync();
  }),
);
console.log(p.kernels.map((k) => k.name + ' ' + k.kernelTimeMs.toFixed(2)).join('\n'));
