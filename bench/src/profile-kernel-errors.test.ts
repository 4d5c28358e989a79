import { checkLeaksAfterEachTest } from '@bayesrnn/testing';
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { withKernelErrorsThrown } from './profile-kernel-errors.js';

checkLeaksAfterEachTest();

/** A kernel on cpu that throws, like an allocation on a full wasm heap. */
const FAILING = 'BenchFailingKernel';

/** Unhandled rejections seen while a test runs (vitest would report them after the file). */
const unhandled: unknown[] = [];
const record = (reason: unknown) => void unhandled.push(reason);

beforeAll(async () => {
  await tf.setBackend('cpu');
  tf.registerKernel({
    kernelName: FAILING,
    backendName: 'cpu',
    kernelFunc: () => {
      throw new Error('heap full');
    },
  });
  process.on('unhandledRejection', record);
});

afterAll(() => {
  process.off('unhandledRejection', record);
  tf.unregisterKernel(FAILING, 'cpu');
});

/** Lets pending promise callbacks and rejection tracking run. */
const settle = () => new Promise((resolve) => setTimeout(resolve, 20));

describe('withKernelErrorsThrown', () => {
  it('a kernel that throws under tf.profile fails the profile, and no rejection is left', async () => {
    unhandled.length = 0;
    const profiled = withKernelErrorsThrown(() =>
      tf.profile(() => {
        tf.engine().runKernel(FAILING, {}, {});
        return [];
      }),
    );
    await expect(profiled).rejects.toThrow('heap full');
    await settle();
    expect(unhandled).toEqual([]);
    // The engine is out of profiling mode: a kernel's error reaches its caller directly.
    expect(() => tf.engine().runKernel(FAILING, {}, {})).toThrow('heap full');
    await settle();
    expect(unhandled).toEqual([]);
  });

  it('without it, tfjs leaves the kernel error as an unhandled rejection', async () => {
    unhandled.length = 0;
    const profiled = tf.profile(() => {
      tf.engine().runKernel(FAILING, {}, {});
      return [];
    });
    await profiled.catch(() => {}); // whatever the engine makes of the missing outputs
    await settle();
    expect(unhandled.length).toBeGreaterThan(0);
    expect(unhandled.map(String)).toContain('Error: heap full');
    const state = (tf.engine() as unknown as { state: { profiling: boolean } }).state;
    expect(state.profiling).toBe(true); // left on by the failed profile
    state.profiling = false;
  });

  it('profiles as before when nothing throws, and restores the backend', async () => {
    const backend = tf.backend() as unknown as { time: unknown };
    const time = backend.time;
    const info = await withKernelErrorsThrown(() =>
      tf.profile(() => {
        const sum = tf.tidy(() => tf.add(tf.ones([3]), tf.ones([3])));
        const values = Array.from(sum.dataSync());
        tf.dispose(sum);
        return values;
      }),
    );
    expect(info.result).toEqual([2, 2, 2]);
    expect(info.kernels.map((kernel) => kernel.name)).toContain('Add');
    expect(backend.time).toBe(time);
    expect(Object.hasOwn(backend, 'time')).toBe(false);
  });
});
