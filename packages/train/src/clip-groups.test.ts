import { clipScale, createKey, disposeTree } from '@bayesrnn/core';
import { checkLeaksAfterEachTest } from '@bayesrnn/testing';
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import {
  type ClipGroups,
  clipByGroup,
  type GroupClipNorms,
  gradientsByGroup,
} from './clip-groups.js';
import { firstClippedStep, linearTask } from './linear-task.fixture.js';
import { createConsoleReporter } from './progress-reporter.js';
import { createSgd } from './sgd.js';
import { resolveTrainOptions } from './train-config.js';

checkLeaksAfterEachTest();

const byName: ClipGroups = (name) => name;

describe('gradientsByGroup', () => {
  it('splits by the group of each name, in order of first appearance; one group by default', () => {
    const [a, b, c] = [tf.scalar(1), tf.scalar(2), tf.scalar(3)];
    const gradients = { 'w/eta': a, w: b, 'v/eta': c };
    const groups = gradientsByGroup(gradients, (name) => (name.endsWith('/eta') ? 'eta' : 'x'));
    expect([...groups.keys()]).toEqual(['eta', 'x']);
    expect(groups.get('eta')).toEqual({ 'w/eta': a, 'v/eta': c });
    expect(groups.get('x')).toEqual({ w: b });
    expect([...gradientsByGroup(gradients, undefined).values()]).toEqual([gradients]);
    tf.dispose([a, b, c]);
  });
});

describe('clipByGroup', () => {
  it('hands the largest group’s scale to the optimiser and rescales the others', () => {
    const big = tf.tensor1d([6, 8, 0, 0]); // norm 10: scale 5/10 = 0.5, the reference
    const small = tf.tensor1d([0.6, 0.8]); // norm 1: within 5, scale 1 = 2 × the reference
    const groups = gradientsByGroup({ big, small }, byName);
    const clipped = clipByGroup(groups, [10, 1], 5);
    expect(clipped.scale).toBe(0.5);
    expect(clipped.gradients.big).toBe(big);
    expect(Array.from(clipped.gradients.small?.dataSync() ?? [])).toEqual([
      Math.fround(0.6) * 2,
      Math.fround(0.8) * 2,
    ]);
    expect(clipped.made).toEqual([clipped.gradients.small]);
    // Without clipping, or with equal scales, nothing is copied.
    const off = clipByGroup(groups, [10, 1], Number.POSITIVE_INFINITY);
    expect([off.scale, off.made.length, off.gradients.small]).toEqual([1, 0, small]);
    const both = clipByGroup(groups, [10, 10], 5);
    expect([both.scale, both.made.length]).toEqual([0.5, 0]);
    tf.dispose([big, small, ...clipped.made]);
  });

  it('clips a group at its own threshold where groupClipNorms names one', () => {
    const big = tf.tensor1d([6, 8, 0, 0]); // norm 10: scale 5/10 = 0.5, the reference
    const small = tf.tensor1d([0.6, 0.8]); // norm 1 against its own threshold 0.25: scale 0.25
    const groups = gradientsByGroup({ big, small }, byName);
    const clipped = clipByGroup(groups, [10, 1], 5, { small: 0.25 });
    expect(clipped.scale).toBe(0.5);
    expect(Array.from(clipped.gradients.small?.dataSync() ?? [])).toEqual([
      Math.fround(0.6) * 0.5,
      Math.fround(0.8) * 0.5,
    ]);
    tf.dispose([big, small, ...clipped.made]);
  });

  it('refuses norms that do not match the groups', () => {
    const g = tf.scalar(1);
    expect(() => clipByGroup(gradientsByGroup({ g }, byName), [1, 2], 5)).toThrow(
      'clipByGroup: 1 groups but 2 norms',
    );
    g.dispose();
  });
});

/** One SGD step (learning rate 1, clip 5) with `clipGroups`; the variables and norms after it. */
async function sgdStep(clipGroups: ClipGroups | undefined, groupClipNorms?: GroupClipNorms) {
  const { task, cValues, dispose } = linearTask({ zeros: true });
  const optimizer = createSgd();
  const optimizerState = optimizer.init(task.variables);
  const result = await firstClippedStep(
    task,
    optimizer,
    optimizerState,
    1,
    clipGroups,
    groupClipNorms,
  );
  const w = Array.from(task.variables.w?.dataSync() ?? []);
  const b = Array.from(task.variables.b?.dataSync() ?? []);
  disposeTree([optimizerState, result.optimizerState ?? [], result.state ?? []]);
  dispose();
  return { w, b, cValues, result };
}

describe('runTrainingStep with clipGroups', () => {
  it('clips each group by its own norm, and reports each norm', async () => {
    const together = await sgdStep(undefined);
    const apart = await sgdStep(byName);
    const wNorm = Math.hypot(...together.cValues);
    expect(wNorm).toBeGreaterThan(60);
    // Together: b's unit gradient shrinks with w's. Apart: b (norm √3 < 5) is not clipped.
    const scaleTogether = clipScale(Math.hypot(wNorm, Math.sqrt(3)), 5);
    expect(together.b[0]).toBeCloseTo(-scaleTogether, 6);
    expect(apart.b).toEqual([-1, -1, -1]);
    const scaleW = clipScale(wNorm, 5);
    apart.w.forEach((value, i) => {
      expect(value).toBeCloseTo(-(together.cValues[i] as number) * scaleW, 6);
    });
    expect(together.result.gradientNorms).toBeUndefined();
    expect(apart.result.gradientNorms?.w).toBeCloseTo(wNorm, 3);
    expect(apart.result.gradientNorms?.b).toBeCloseTo(Math.sqrt(3), 6);
    expect(apart.result.gradientNorm).toBeCloseTo(Math.hypot(wNorm, Math.sqrt(3)), 3);
  });

  it('takes a group’s own threshold from groupClipNorms', async () => {
    // b's norm √3 against its threshold 1: every element steps by 1/√3.
    const apart = await sgdStep(byName, { b: 1 });
    for (const value of apart.b) expect(value).toBeCloseTo(-1 / Math.sqrt(3), 6);
  });

  it('refuses groupClipNorms without clipGroups, and a threshold that is not > 0', () => {
    const { task, dispose } = linearTask();
    const options = {
      key: createKey(1),
      outDir: '/nonexistent',
      optimizer: createSgd(),
      learningRate: 1,
      epochs: 1,
    };
    const resolve = (extra: object) =>
      resolveTrainOptions(task, { ...options, ...extra }, createConsoleReporter);
    expect(() => resolve({ groupClipNorms: { eta: 1 } })).toThrow(
      'train: groupClipNorms needs clipGroups',
    );
    expect(() => resolve({ clipGroups: byName, groupClipNorms: { eta: 0 } })).toThrow(
      'train: groupClipNorms.eta must be > 0, got 0',
    );
    expect(resolve({ clipGroups: byName, groupClipNorms: { eta: 0.5 } }).groupClipNorms).toEqual({
      eta: 0.5,
    });
    dispose();
  });

  it('with one group, is the step without groups, bit for bit', async () => {
    const plain = await sgdStep(undefined);
    const one = await sgdStep(() => 'all');
    expect(one.w).toEqual(plain.w);
    expect(one.b).toEqual(plain.b);
    expect(one.result.gradientNorm).toBe(plain.result.gradientNorm);
  });
});
