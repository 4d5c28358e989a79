import { expectClose, expectNoLeaks, TOLERANCES } from '@bayesrnn/testing';
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { type ControlLayout, controlWidth, parseControlVector } from './control-layout.js';

const layout = {
  keys: { heads: 2, width: 2, activation: 'identity' },
  gate: { heads: 1, width: 1, activation: 'sigmoid' },
  strength: { heads: 1, width: 1, activation: 'oneplus' },
  sharpness: { heads: 1, width: 1, activation: 'softplus' },
  modes: { heads: 1, width: 3, activation: 'softmax' },
} as const satisfies ControlLayout<string>;

describe('control layout', () => {
  it('is as wide as the sum of heads × width', () => {
    expect(controlWidth(layout)).toBe(4 + 1 + 1 + 1 + 3);
  });

  it('splits in the layout order and squashes each part', () => {
    tf.tidy(() => {
      const flat = tf.tensor2d([[1, 2, 3, 4, 0, 0, Math.log(Math.E - 1), 0, 1, 2]]);
      const parsed = parseControlVector('test memory', layout, flat);
      expect(parsed.keys.shape).toEqual([1, 2, 2]);
      expectClose(parsed.keys, [1, 2, 3, 4], TOLERANCES.float32, 'keys');
      expectClose(parsed.gate, [0.5], TOLERANCES.float32, 'sigmoid(0)');
      expectClose(parsed.strength, [1 + Math.LN2], TOLERANCES.float32, '1 + softplus(0)');
      expectClose(parsed.sharpness, [1], TOLERANCES.float32, 'softplus(log(e − 1))');
      const total = 1 + Math.E + Math.E ** 2;
      expectClose(
        parsed.modes,
        [1 / total, Math.E / total, Math.E ** 2 / total],
        TOLERANCES.float32,
      );
    });
  });

  it('names the memory and the expected shape when the control is too narrow', () => {
    tf.tidy(() => {
      expect(() => parseControlVector('test memory', layout, tf.zeros([3, 9]))).toThrow(
        'test memory: control must have shape [3, 10], got [3, 9]',
      );
    });
  });

  it('leaves no tensors behind', async () => {
    const flat = tf.ones([2, 10]) as tf.Tensor2D;
    await expectNoLeaks(() => {
      tf.dispose(Object.values(parseControlVector('test memory', layout, flat)));
    }, 'parseControlVector');
    flat.dispose();
  });
});
