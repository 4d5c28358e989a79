import * as tf from '@tensorflow/tfjs-core';
import { afterAll, expect, it } from 'vitest';
import { checkLeaksAfterEachTest } from './leak-check-each-test.js';

checkLeaksAfterEachTest();
const kept: tf.Tensor[] = [];
afterAll(() => tf.dispose(kept));

it('passes a test that disposes what it makes', () => {
  const sum = tf.tidy(() => tf.sum(tf.add(tf.ones([3]), 1)).dataSync()[0]);
  expect(sum).toBe(6);
  tf.ones([2]).dispose();
});

// The check runs after the test body, so a leak fails the test itself: `it.fails` expects that.
it.fails('fails a test that leaves a tensor behind', () => {
  kept.push(tf.ones([2]));
});
