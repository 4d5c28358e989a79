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

  // What the wrapper mends, shown without leaving a rejection unhandled (under the wasm
  // backend, Emscripten's own handler would end the test process on one).
  it("tfjs's premises: `time` turns a kernel's throw into a rejection; a failed profile stays on", async () => {
    const backend = tf.backend() as unknown as { time(f: () => void): Promise<unknown> };
    let threw = false;
    let timed: Promise<unknown> | undefined;
    try {
      timed = backend.time(() => {
        throw new Error('heap full');
      });
    } catch {
      threw = true;
    }
    expect(threw).toBe(false);
    await expect(timed).rejects.toThrow('heap full');
    const state = (tf.engine() as unknown as { state: { profiling: boolean } }).state;
    await expect(
      tf.profile(() => {
        throw new Error('query failed');
      }),
    ).rejects.toThrow('query failed');
    expect(state.profiling).toBe(true);
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
