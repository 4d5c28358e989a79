import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createKey } from '@bayesrnn/core';
import { expectNoLeaks } from '@bayesrnn/testing';
import * as tf from '@tensorflow/tfjs-core';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createAdam } from './adam.js';
import { type LogRecord, readJsonlLog } from './jsonl-log.js';
import type { TrainProgress } from './progress-reporter.js';
import { createSgd } from './sgd.js';
import { createTinyTask } from './tiny-tasks.fixture.js';
import { train } from './train.js';
import type { TrainOptions } from './train-config.js';

let outDir = '';
beforeEach(async () => {
  outDir = await mkdtemp(join(tmpdir(), 'bayesrnn-train-'));
});
afterEach(async () => {
  await rm(outDir, { recursive: true, force: true });
});

const base = (): TrainOptions => ({
  key: createKey(7),
  outDir,
  epochs: 2,
  optimizer: createAdam(),
  learningRate: 0.03,
  monitor: { metric: 'mse' },
  onProgress: false,
});

const ofType = (records: readonly LogRecord[], type: string) =>
  records.filter((record) => record.type === type);

describe('train on a tiny recurrent regression', () => {
  it('lowers the training and validation loss', async () => {
    const task = createTinyTask({ windowsPerEpoch: 8 });
    const records: LogRecord[] = [];
    const result = await train(task, {
      ...base(),
      epochs: 12,
      clipNorm: 5,
      onLog: (record) => records.push(record),
    });
    task.dispose();
    const epochs = ofType(records, 'epoch') as unknown as {
      train: { loss: number };
      validation: { mse: number };
    }[];
    const first = epochs[0];
    const last = epochs[epochs.length - 1];
    expect(result.stopReason).toBe('completed');
    expect(result.steps).toBe(96);
    expect(last?.train.loss).toBeLessThan(0.3 * (first?.train.loss ?? 0));
    expect(last?.validation.mse).toBeLessThan(0.3 * (first?.validation.mse ?? 0));
  });

  it('writes step and epoch lines to log.jsonl', async () => {
    const task = createTinyTask();
    const seen: LogRecord[] = [];
    await train(task, { ...base(), logEvery: 2, onLog: (record) => seen.push(record) });
    task.dispose();
    const records = await readJsonlLog(join(outDir, 'log.jsonl'));
    expect(records).toEqual(seen);
    expect(records.map((record) => record.type)).toEqual([
      ...['step', 'step', 'epoch'],
      ...['step', 'step', 'step', 'epoch'],
    ]);
    expect(ofType(records, 'step').map((record) => record.step)).toEqual([2, 4, 6, 8, 10]);
    const step = ofType(records, 'step')[2] ?? {};
    expect(Object.keys(step).sort()).toEqual(
      ['epoch', 'gradientNorm', 'learningRate', 'loss', 'parts', 'step', 'tokens']
        .concat(['tokensPerSecond', 'type', 'wallTime', 'window'])
        .sort(),
    );
    expect(step).toMatchObject({ step: 6, epoch: 1, window: 0, tokens: 8, learningRate: 0.03 });
    expect(Object.keys(step.parts as object)).toEqual(['mse', 'l2']);
    const epoch = ofType(records, 'epoch')[1] ?? {};
    expect(epoch).toMatchObject({ epoch: 1, step: 10, validationSplit: 'valid', badEpochs: 0 });
    expect(epoch.train).toMatchObject({ tokens: 40 });
    expect(typeof (epoch.validation as { mse: unknown }).mse).toBe('number');
  });

  it("reports the epoch's token-weighted mean loss and perplexity from the `nll` part or the loss", async () => {
    const task = createTinyTask();
    const records: LogRecord[] = [];
    await train(task, { ...base(), epochs: 1, logEvery: 1, onLog: (r) => records.push(r) });
    task.dispose();
    const losses = ofType(records, 'step').map((record) => record.loss as number);
    const mean = losses.reduce((sum, loss) => sum + loss, 0) / losses.length;
    const epoch = ofType(records, 'epoch')[0]?.train as { loss: number; perplexity: number };
    expect(epoch.loss).toBeCloseTo(mean, 12);
    expect(epoch.perplexity).toBeCloseTo(Math.exp(mean), 10);
  });

  it('reports no perplexity for a task whose loss is no per-token NLL, and its own unit', async () => {
    const task = createTinyTask();
    const records: LogRecord[] = [];
    const progress: TrainProgress[] = [];
    await train(
      { ...task, perplexity: false, unit: 'sentences' },
      { ...base(), epochs: 1, onLog: (r) => records.push(r), onProgress: (p) => progress.push(p) },
    );
    task.dispose();
    const epoch = ofType(records, 'epoch')[0]?.train as { loss: number; perplexity?: number };
    expect(typeof epoch.loss).toBe('number');
    expect(epoch.perplexity).toBeUndefined();
    expect(progress.length).toBeGreaterThan(0);
    expect(progress.every((p) => p.perplexity === undefined)).toBe(true);
    // The task's unit names the rate (a classifier counts sentences).
    expect(progress.every((p) => p.unit === 'sentences')).toBe(true);
  });

  it('reports progress every step when unthrottled, only epoch ends and the end when throttled', async () => {
    const phases: TrainProgress['phase'][] = [];
    const task = createTinyTask();
    await train(task, {
      ...base(),
      progressIntervalMs: 0,
      onProgress: (p) => phases.push(p.phase),
    });
    expect(phases).toEqual([
      ...Array<string>(5).fill('train'),
      'epoch-end',
      ...Array<string>(5).fill('train'),
      'epoch-end',
      'done',
    ]);
    const snapshots: TrainProgress[] = [];
    await rm(outDir, { recursive: true });
    await train(task, { ...base(), progressIntervalMs: 1e9, onProgress: (p) => snapshots.push(p) });
    task.dispose();
    expect(snapshots.map((p) => p.phase)).toEqual(['epoch-end', 'epoch-end', 'done']);
    expect(snapshots[1]).toMatchObject({ epoch: 1, epochs: 2, step: 10, totalSteps: 10 });
    expect(snapshots[1]?.validation?.mse).toBeTypeOf('number');
  });

  it('leaks no tensors: the count is the same at every step, and none remain after the run', async () => {
    const counts: number[] = [];
    const task = createTinyTask({
      windowsPerEpoch: 4,
      onWindow: () => counts.push(tf.memory().numTensors),
    });
    await expectNoLeaks(async () => {
      await train(task, { ...base(), epochs: 3, checkpointEvery: 3, logEvery: 1 });
    }, 'train');
    task.dispose();
    expect(counts).toHaveLength(12);
    // After a warm-up step, every window starts with the same tensors alive.
    expect(new Set(counts.slice(1)).size).toBe(1);
  });

  it('runs a plain SGD task without evaluate (no best model, no early stopping)', async () => {
    const tiny = createTinyTask();
    const { evaluate: _unused, ...task } = tiny;
    const result = await train(task, { ...base(), optimizer: createSgd(), learningRate: 0.1 });
    tiny.dispose();
    expect(result).toMatchObject({ stopReason: 'completed', best: undefined, restoredBest: false });
  });
});

describe('train refuses', () => {
  it('to overwrite a checkpoint without resume, and to resume without one', async () => {
    const task = createTinyTask();
    await expect(train(task, { ...base(), resume: true })).rejects.toThrow(/holds no checkpoint/);
    await train(task, { ...base(), epochs: 1 });
    await expect(train(task, base())).rejects.toThrow(/already holds a checkpoint/);
    task.dispose();
  });

  it('bad options, naming them', async () => {
    const task = createTinyTask();
    const { evaluate: _unused, ...noEvaluate } = task;
    await expect(train(task, { ...base(), epochs: 0 })).rejects.toThrow(/epochs/);
    await expect(train(task, { ...base(), clipNorm: 0 })).rejects.toThrow(/clipNorm/);
    await expect(train(noEvaluate, { ...base(), monitor: { patience: 2 } })).rejects.toThrow(
      /evaluate/,
    );
    await expect(train(task, { ...base(), monitor: { metric: 'accuracy' } })).rejects.toThrow(
      /no "accuracy".*mse, tokens/,
    );
    task.dispose();
  });
});
