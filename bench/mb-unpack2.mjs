import { selectBackend } from '@bayesrnn/core';
import * as tf from '@tensorflow/tfjs-core';

await selectBackend({ name: 'wasm', log: () => {} });
const x = tf.randomNormal([20, 20, 800]);
const parts = tf.unstack(x, 1);
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
  tf.unstack(x, 1);
});
time('stack axis1', () => {
  tf.stack(parts, 1);
});
time('concat axis1 of expanded', () => {
  tf.concat(
    parts.map((p) => tf.expandDims(p, 1)),
    1,
  );
});
time('slice one', () => {
  tf.slice(x, [0, 3, 0], [20, 1, 800]);
});
time('split gates [20,800]→4', () => {
  tf.split(parts[0], 4, 1);
});
