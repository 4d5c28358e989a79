import { checkLeaksAfterEachTest } from '@bayesrnn/testing';
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import type { Contender } from './contender.js';
import { runHarness } from './harness.js';
import { PTB_SMALL_SHAPE } from './shape.js';

checkLeaksAfterEachTest();

/** A fake clock and contenders whose steps "take" a fixed number of milliseconds on it. */
function fakes(costs: Record<string, number>, options: { failAt?: number } = {}) {
  let now = 0;
  const calls: string[] = [];
  const disposed: string[] = [];
  /** Steps and disposals, in order. */
  const events: string[] = [];
  const contenders: Contender[] = Object.entries(costs).map(([name, cost]) => ({
    name,
    description: `fake ${name}`,
    inProcess: false,
    setup: async () => ({
      tokensPerStep: 400,
      step: async () => {
        calls.push(name);
        events.push(name);
        if (name === 'broken' && calls.filter((call) => call === name).length === options.failAt)
          throw new Error('boom');
        now += cost;
      },
      details: async () => ({ peakRssBytes: 1234 }),
      dispose: () => {
        disposed.push(name);
        events.push(`dispose ${name}`);
      },
    }),
  }));
  return { contenders, calls, disposed, events, clock: () => now };
}

const quiet = { profileMemory: false, log: () => {} } as const;

describe('runHarness', () => {
  it('interleaves the contenders, each once per round, through warm-up and timed rounds', async () => {
    const { contenders, calls, clock } = fakes({ a: 100, b: 200, c: 300 });
    await runHarness(contenders, PTB_SMALL_SHAPE, { ...quiet, warmup: 2, repetitions: 3, clock });
    expect(calls).toHaveLength(15);
    expect(calls.slice(0, 3)).toEqual(['a', 'b', 'c']);
    for (let round = 0; round < 5; round += 1) {
      expect(calls.slice(3 * round, 3 * round + 3).sort()).toEqual(['a', 'b', 'c']);
    }
  });

  it('reports medians, extremes, tokens/s and the contender’s own details', async () => {
    const { contenders, clock, disposed } = fakes({ a: 100, b: 400 });
    const [a, b] = await runHarness(contenders, PTB_SMALL_SHAPE, {
      ...quiet,
      warmup: 1,
      repetitions: 5,
      clock,
    });
    expect(a?.status).toBe('ok');
    expect(a?.stepSeconds?.median).toBeCloseTo(0.1);
    expect(a?.stepSeconds?.samples).toHaveLength(5);
    expect(a?.tokensPerSecond?.median).toBeCloseTo(4000);
    expect(b?.tokensPerSecond?.median).toBeCloseTo(1000);
    expect(a?.memory?.peakRssBytes).toBe(1234);
    expect(disposed).toEqual(['a', 'b']);
  });

  it('waits a contender’s settleMs after each of its steps, outside any step’s time', async () => {
    const starts: { name: string; at: number }[] = [];
    const contender = (name: string, settleMs?: number): Contender => ({
      name,
      description: name,
      inProcess: false,
      ...(settleMs === undefined ? {} : { settleMs }),
      setup: async () => ({
        tokensPerStep: 1,
        step: async () => {
          starts.push({ name, at: performance.now() });
        },
        dispose: () => {},
      }),
    });
    const [settling, next] = await runHarness(
      [contender('settling', 40), contender('next')],
      PTB_SMALL_SHAPE,
      { ...quiet, warmup: 0, repetitions: 1 },
    );
    const [first, second] = starts;
    expect([first?.name, second?.name]).toEqual(['settling', 'next']);
    expect((second?.at ?? 0) - (first?.at ?? 0)).toBeGreaterThanOrEqual(39);
    expect(settling?.stepSeconds?.median).toBeLessThan(0.03);
    expect(next?.stepSeconds?.median).toBeLessThan(0.03);
  });

  it('measures the cores an in-process step keeps busy, and not an external one', async () => {
    let wall = 0;
    let cpu = 0;
    const contender = (name: string, inProcess: boolean, cores: number): Contender => ({
      name,
      description: name,
      inProcess,
      setup: async () => ({
        tokensPerStep: 1,
        step: async () => {
          wall += 100;
          cpu += 100 * cores;
        },
        dispose: () => {},
      }),
    });
    const [ours, external] = await runHarness(
      [contender('ours', true, 1.6), contender('external', false, 0.02)],
      PTB_SMALL_SHAPE,
      { ...quiet, warmup: 1, repetitions: 3, clock: () => wall, cpuClock: () => cpu },
    );
    expect(ours?.coresBusy?.median).toBeCloseTo(1.6);
    expect(external?.coresBusy).toBeUndefined();
  });

  it('marks unavailable and failing contenders and goes on with the others', async () => {
    const { contenders, calls, clock, disposed, events } = fakes(
      { a: 100, broken: 100 },
      { failAt: 2 },
    );
    const missing: Contender = {
      name: 'missing',
      description: 'not installed',
      inProcess: false,
      unavailable: async () => 'not here',
      setup: () => Promise.reject(new Error('must not be set up')),
    };
    const results = await runHarness([...contenders, missing], PTB_SMALL_SHAPE, {
      ...quiet,
      warmup: 1,
      repetitions: 3,
      clock,
    });
    expect(results.map((result) => result.status)).toEqual(['ok', 'failed', 'unavailable']);
    expect(results[1]?.reason).toContain('boom');
    expect(results[2]?.reason).toBe('not here');
    expect(calls.filter((call) => call === 'broken')).toHaveLength(2);
    // The failed contender is freed as it fails, before the others' later steps, and once.
    expect(disposed).toEqual(['broken', 'a']);
    expect(events.slice(2, 6)).toEqual(['a', 'broken', 'dispose broken', 'a']);
  });

  it('attributes the tfjs bytes an in-process contender keeps, and profiles one step', async () => {
    const before = tf.memory().numTensors;
    const kept: tf.Tensor[] = [];
    const contender: Contender = {
      name: 'grows',
      description: 'keeps 16 bytes per step',
      inProcess: true,
      setup: async () => ({
        tokensPerStep: 1,
        step: async () => {
          kept.push(tf.tidy(() => tf.add(tf.zeros([4]), 1)));
        },
        dispose: () => tf.dispose(kept),
      }),
    };
    const [result] = await runHarness([contender], PTB_SMALL_SHAPE, {
      ...quiet,
      profileMemory: true,
      warmup: 1,
      repetitions: 2,
    });
    // 1 warm-up + 1 profiled + 2 timed steps, 16 bytes each.
    expect(result?.memory?.tfResidentBytes).toBe(64);
    expect(result?.memory?.tfPeakBytes).toBeGreaterThan(0);
    expect(result?.memory?.rssAfterStepBytes).toBeGreaterThan(0);
    // The harness disposed the contender: what its steps kept is gone.
    expect(tf.memory().numTensors).toBe(before);
  });
});
