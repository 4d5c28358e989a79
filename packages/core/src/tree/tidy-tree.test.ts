import * as tf from '@tensorflow/tfjs-core';
import { expect, it } from 'vitest';
import { disposeTree } from './tensor-tree.js';
import { tidyTree } from './tidy-tree.js';

it('keeps every tensor of a returned tree and disposes the rest', () => {
  const before = tf.memory().numTensors;
  const result = tidyTree(() => {
    const scratch = tf.ones([3]);
    return { count: 2, state: { layers: [{ h: tf.mul(scratch, 2) }] as const } };
  });
  expect(result.count).toBe(2);
  expect(Array.from(result.state.layers[0].h.dataSync())).toEqual([2, 2, 2]);
  expect(tf.memory().numTensors).toBe(before + 1);
  disposeTree(result.state);
  expect(tf.memory().numTensors).toBe(before);
});
