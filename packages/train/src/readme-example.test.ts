// The README's example, kept runnable: if this changes, change the README too.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createKey, foldIn, randomNormal } from '@bayesrnn/core';
import * as tf from '@tensorflow/tfjs-core';
import { expect, it } from 'vitest';
import { createAdam, type TrainTask, train } from './index.js';

it('the README example learns h_t = 0.5·h_{t−1} + x_t and resumes as a no-op', async () => {
  const outDir = await mkdtemp(join(tmpdir(), 'bayesrnn-readme-'));
  const batchSize = 8;
  const sequenceLength = 5;
  const dataKey = createKey(1);
  const kernel = tf.variable(tf.zeros([1, 1]));
  const recurrent = tf.variable(tf.zeros([1, 1]));
  const inputs = (window: number) =>
    randomNormal(foldIn(dataKey, window), [sequenceLength, batchSize, 1]);
  const task: TrainTask<{ h: tf.Tensor2D }> = {
    variables: { kernel, recurrent },
    windowsPerEpoch: 10,
    initialState: () => ({ h: tf.zeros([batchSize, 1]) }),
    windowLoss(window, state) {
      const steps = tf.unstack(inputs(window)) as tf.Tensor2D[];
      let h = state.h;
      const errors = steps.map((x) => {
        const target = tf.add(tf.mul(h, 0.5), x);
        h = tf.add(tf.matMul(h, recurrent), tf.matMul(x, kernel)) as tf.Tensor2D;
        return tf.mean(tf.square(tf.sub(h, target)));
      });
      const loss = tf.div(tf.addN(errors), steps.length) as tf.Scalar;
      return { loss, state: { h }, tokens: batchSize * sequenceLength, parts: { mse: loss } };
    },
  };
  const options = {
    key: createKey(42),
    outDir,
    epochs: 5,
    optimizer: createAdam(),
    learningRate: 0.05,
    clipNorm: 5,
    resume: 'auto',
    onProgress: false,
  } as const;
  const result = await train(task, options);
  expect(result).toMatchObject({ stopReason: 'completed', steps: 50 });
  expect(kernel.dataSync()[0]).toBeCloseTo(1, 0);
  expect(recurrent.dataSync()[0]).toBeCloseTo(0.5, 0);
  // Run again: the checkpoint says the run is complete, so nothing changes.
  const learned = [kernel.dataSync()[0], recurrent.dataSync()[0]];
  expect(await train(task, options)).toMatchObject({ stopReason: 'completed', steps: 50 });
  expect([kernel.dataSync()[0], recurrent.dataSync()[0]]).toEqual(learned);
  tf.dispose([kernel, recurrent]);
  await rm(outDir, { recursive: true, force: true });
});
