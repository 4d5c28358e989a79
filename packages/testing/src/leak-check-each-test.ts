import * as tf from '@tensorflow/tfjs-core';
import { afterEach, beforeEach, expect } from 'vitest';

/**
 * Registers, for every test of the calling file, a check that the test leaves
 * `tf.memory().numTensors` as it found it: whatever the test made (and whatever the code under
 * test made) is disposed by its end. Call it once at the top level of a test file; a failure
 * names the test's count before and after. Tensors made at module level, before the tests, are
 * not counted.
 */
export function checkLeaksAfterEachTest(): void {
  let before = 0;
  beforeEach(() => {
    before = tf.memory().numTensors;
  });
  afterEach((context) => {
    expect(tf.memory().numTensors, `tensors left by '${context.task.name}'`).toBe(before);
  });
}
