import { createKey } from '@bayesrnn/core';
import { checkLeaksAfterEachTest } from '@bayesrnn/testing';
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { timedTask } from './timed-task.js';
import { createTinyTask } from './tiny-tasks.fixture.js';

checkLeaksAfterEachTest();

describe('timedTask', () => {
  it('counts the windows and tokens computed and the seconds spent evaluating', async () => {
    const inner = createTinyTask({ windowsPerEpoch: 3 });
    const task = timedTask(inner);
    const context = { key: createKey(1), epoch: 0, step: 1 };
    for (const window of [0, 1]) {
      // The trainer's tape would free the window's intermediates; tidy does it here.
      tf.tidy(() => {
        task.windowLoss(window, task.initialState(), context);
      });
    }
    expect(task.stepsRun()).toBe(2);
    expect(task.tokensRun()).toBeGreaterThan(0);
    expect(task.tokensRun() % 2).toBe(0);
    expect(task.evaluationSeconds()).toBe(0);
    const evaluated = await task.evaluate?.('valid', createKey(2));
    expect(evaluated).toEqual(await inner.evaluate?.('valid', createKey(2)));
    expect(task.evaluationSeconds()).toBeGreaterThan(0);
    expect(task.windowsPerEpoch).toBe(3);
    inner.dispose();
  });
});
