import { selectBackend } from '@bayesrnn/core';
import * as tf from '@tensorflow/tfjs-core';

await selectBackend({ name: 'wasm', log: () => {} });
const x = tf.randomNormal([2000000]);
const y = tf.randomNormal([2000000]);
const s = tf.randomNormal([20, 200]);
const time = (name, f) => {
  for (let i = 0; i < 3; i++) tf.tidy(f);
  const ts = [];
  for (let i = 0; i < 15; i++) {
    const t = performance.now();
    tf.tidy(f);
    ts.push(performance.now() - t);
  }
  ts.sort((a, b) => a - b);
  console.log(name.padEnd(30), ts[7].toFixed(3), 'ms');
};
time('square 2M', () => tf.square(x));
time('mul 2M', () => tf.mul(x, y));
time('sigmoid 2M', () => tf.sigmoid(x));
time('sum 2M', () => tf.sum(x));
time('sum(square) 2M', () => tf.sum(tf.square(x)));
time('cast 2M', () => tf.cast(x, 'int32'));
time('sub scalar 2M', () => tf.sub(1, x));
time('tanh 2M', () => tf.tanh(x));
time('square 20x200 x100', () => {
  for (let i = 0; i < 100; i++) tf.square(s);
});
time('sigmoid 20x200 x100', () => {
  for (let i = 0; i < 100; i++) tf.sigmoid(s);
});
time('mul 20x200 x100', () => {
  for (let i = 0; i < 100; i++) tf.mul(s, s);
});
