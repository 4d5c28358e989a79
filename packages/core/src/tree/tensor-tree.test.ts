import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { countTree, disposeTree, flattenTree, mapTree } from './tensor-tree.js';

function makeState() {
  return {
    layers: [
      { h: tf.zeros([2, 3]), c: tf.ones([2, 3]) },
      { h: tf.zeros([2, 4]), c: tf.ones([2, 4]) },
    ],
    memory: tf.zeros([2, 5, 6]),
  };
}

describe('tensor trees', () => {
  it('flattens with stable slash-joined paths', () => {
    const state = makeState();
    expect(flattenTree(state).map((leaf) => leaf.path)).toEqual([
      'layers/0/h',
      'layers/0/c',
      'layers/1/h',
      'layers/1/c',
      'memory',
    ]);
    disposeTree(state);
  });

  it('maps every leaf keeping structure and names', () => {
    const state = makeState();
    const doubled = mapTree(state, (t) => tf.mul(t, 2));
    expect(doubled.layers[1]?.c.shape).toEqual([2, 4]);
    expect(Array.from(doubled.layers[0]?.c.dataSync() ?? [])).toEqual([2, 2, 2, 2, 2, 2]);
    const paths: string[] = [];
    mapTree(state, (t, path) => {
      paths.push(path);
      return t;
    });
    expect(paths).toEqual(flattenTree(state).map((leaf) => leaf.path));
    disposeTree(state);
    disposeTree(doubled);
  });

  it('counts tensors and elements', () => {
    const state = makeState();
    expect(countTree(state)).toEqual({ tensors: 5, elements: 12 + 16 + 60 });
    disposeTree(state);
  });

  it('disposes every tensor once, even when shared, leaking none', () => {
    const before = tf.memory().numTensors;
    const shared = tf.ones([2]);
    const state = { a: shared, b: [shared, tf.zeros([1])] };
    disposeTree(state);
    expect(shared.isDisposed).toBe(true);
    expect(tf.memory().numTensors).toBe(before);
  });
});
