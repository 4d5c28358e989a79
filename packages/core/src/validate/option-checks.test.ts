import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { checkFinite, checkInRange, checkPositiveInteger } from './option-checks.js';
import { checkShape } from './tensor-shape-check.js';

describe('option checks', () => {
  it('pass good values through and name the option when one is bad', () => {
    expect(checkPositiveInteger(3, 'XConfig.size')).toBe(3);
    expect(() => checkPositiveInteger(0, 'XConfig.size')).toThrow(
      'XConfig.size must be a positive integer, got 0',
    );
    expect(() => checkPositiveInteger(2.5, 'XConfig.size')).toThrow(RangeError);
    expect(checkFinite(-1.5, 'XConfig.bias')).toBe(-1.5);
    expect(() => checkFinite(Number.POSITIVE_INFINITY, 'XConfig.bias')).toThrow(
      'XConfig.bias must be a finite number, got Infinity',
    );
    expect(checkInRange(1, 0, 1, 'XConfig.decay')).toBe(1);
    expect(() => checkInRange(1.5, 0, 1, 'XConfig.decay')).toThrow(
      'XConfig.decay must be in [0, 1], got 1.5',
    );
    expect(() => checkInRange(Number.NaN, 0, 1, 'XConfig.decay')).toThrow(RangeError);
  });
});

describe('checkShape', () => {
  it('names the owner, the argument and both shapes', () => {
    const before = tf.memory().numTensors;
    const tensor = tf.zeros([2, 8]);
    expect(() => checkShape('DNC memory', 'state.usage', tensor, [2, 8])).not.toThrow();
    expect(() => checkShape('DNC memory', 'state.usage', tensor, [2, 16])).toThrow(
      'DNC memory: state.usage must have shape [2, 16], got [2, 8]',
    );
    expect(() => checkShape('DNC memory', 'state.usage', tensor, [2, 8, 1])).toThrow('got [2, 8]');
    tensor.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });
});
