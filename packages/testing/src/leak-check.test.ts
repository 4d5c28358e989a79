import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { expectClose } from './expect-close.js';
import { countNewTensors, expectNoLeaks } from './leak-check.js';

describe('expectNoLeaks', () => {
  it('passes when everything made is disposed', async () => {
    await expectNoLeaks(() => {
      tf.tidy(() => {
        tf.add(tf.ones([2]), 1);
      });
    });
  });

  it('fails with the count when a tensor is left alive', async () => {
    let kept: tf.Tensor | undefined;
    await expect(
      expectNoLeaks(() => {
        kept = tf.ones([3]);
      }, 'maker'),
    ).rejects.toThrow('maker leaked 1 tensor(s)');
    kept?.dispose();
  });

  it('counts async work', async () => {
    const made = await countNewTensors(async () => {
      const t = tf.ones([2]);
      await t.data();
    });
    expect(made).toBe(1);
  });
});

describe('expectClose', () => {
  it('accepts values within tolerance and rejects outside, naming the element', () => {
    expect(() => expectClose([1, 2, 3], [1, 2, 3 + 1e-7])).not.toThrow();
    expect(() => expectClose([1, 2, 3.1], [1, 2, 3], { rtol: 0, atol: 0.05 }, 'out')).toThrow(
      'out: element 2 is 3.1, expected 3',
    );
  });

  it('treats NaN as equal only to NaN and checks tensor shapes', () => {
    expect(() => expectClose([Number.NaN], [Number.NaN])).not.toThrow();
    expect(() => expectClose([Number.NaN], [0])).toThrow(/element 0/);
    const a = tf.zeros([2, 3]);
    const b = tf.zeros([3, 2]);
    expect(() => expectClose(a, b)).toThrow(/shape \[2, 3\] differs/);
    tf.dispose([a, b]);
  });
});
