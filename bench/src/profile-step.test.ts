import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { bbb } from './contenders/bbb.js';
import { pytorch } from './contenders/pytorch.js';
import { profileStep, renderProfile } from './profile-step.js';
import { TINY_SHAPE } from './tiny-shape.js';

describe('profileStep', () => {
  it('lists the kernels of one step, most expensive first, and leaks nothing', async () => {
    const before = tf.memory().numTensors;
    const profile = await profileStep(bbb, TINY_SHAPE);
    expect(tf.memory().numTensors).toBe(before);
    const names = profile.kernels.map((k) => k.kernel);
    // A BBB step multiplies matrices and takes softplus of ρ (σ = softplus(ρ)): as a Softplus
    // kernel, or on wasm inside the fused draw.
    const draw = tf.getBackend() === 'wasm' ? 'BayesrnnGaussianDraw' : 'Softplus';
    expect(names).toEqual(expect.arrayContaining(['BatchMatMul', draw]));
    const times = profile.kernels.map((k) => k.milliseconds);
    expect(times).toEqual([...times].sort((a, b) => b - a));
    const total = profile.kernels
      .filter((k) => !k.composite)
      .reduce((sum, k) => sum + k.milliseconds, 0);
    // Every name the profile calls a kernel is one the backend runs; the rest are custom ops.
    for (const k of profile.kernels) {
      expect(tf.getKernel(k.kernel, tf.getBackend()) === undefined).toBe(k.composite);
    }
    expect(profile.kernelMilliseconds).toBeCloseTo(total, 6);
    expect(profile.wallMilliseconds).toBeGreaterThan(0);
    const table = renderProfile(profile, 3);
    expect(table).toContain('### bbb');
    expect(
      table
        .split('\n')
        .filter(
          (line) =>
            line.startsWith('| ') && !line.startsWith('| kernel') && !line.startsWith('| ---'),
        ),
    ).toHaveLength(4);
  });

  it('gives means per step over several profiled steps', async () => {
    const before = tf.memory().numTensors;
    const one = await profileStep(bbb, TINY_SHAPE);
    const three = await profileStep(bbb, TINY_SHAPE, 1, 3);
    expect(tf.memory().numTensors).toBe(before);
    expect(three.steps).toBe(3);
    // Every step runs the same kernels: the mean count per step is one step's count.
    const calls = (p: typeof one) => Object.fromEntries(p.kernels.map((k) => [k.kernel, k.calls]));
    expect(calls(three)).toEqual(calls(one));
    expect(renderProfile(three)).toContain('(means of 3 steps)');
  });

  it('refuses a contender that runs in another process', async () => {
    await expect(profileStep(pytorch, TINY_SHAPE)).rejects.toThrow(/another process/);
  });
});
