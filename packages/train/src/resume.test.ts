import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createKey, loadCheckpoint, readCheckpointManifest } from '@bayesrnn/core';
import * as tf from '@tensorflow/tfjs-core';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createAdam } from './adam.js';
import { type LogRecord, readJsonlLog } from './jsonl-log.js';
import { zarembaSchedule } from './learning-rate-schedule.js';
import { createTinyTask, type TinyTaskOptions } from './tiny-tasks.fixture.js';
import { train } from './train.js';
import type { TrainOptions, TrainResult } from './train-config.js';

let root = '';
beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'bayesrnn-resume-'));
});
afterEach(async () => {
  await rm(root, { recursive: true, force: true });
});

/** 3 epochs × 5 windows, Adam, a decaying schedule, clipping, validation and a test split. */
const options = (outDir: string): TrainOptions => ({
  key: createKey(11),
  outDir,
  epochs: 3,
  optimizer: createAdam(),
  learningRate: zarembaSchedule({ learningRate: 0.05, decay: 2, decayStart: 1 }),
  clipNorm: 1,
  logEvery: 1,
  checkpointEvery: 3,
  monitor: { metric: 'mse' },
  testSplits: ['test'],
  restoreBest: false,
  onProgress: false,
});

/** Float32 bit patterns, so equality means bit-identical (−0 ≠ 0, every NaN payload). */
function bits(values: Record<string, number[]>): Record<string, number[]> {
  const out: Record<string, number[]> = {};
  for (const [name, list] of Object.entries(values)) {
    out[name] = Array.from(new Uint32Array(Float32Array.from(list).buffer));
  }
  return out;
}

/** The log without what depends on the clock. */
async function logOf(outDir: string): Promise<LogRecord[]> {
  const records = await readJsonlLog(join(outDir, 'log.jsonl'));
  return records.map(({ wallTime: _wall, tokensPerSecond: _rate, ...rest }) => rest);
}

async function bestBits(outDir: string): Promise<Record<string, number[]>> {
  const { tensors } = await loadCheckpoint(join(outDir, 'best'));
  const values: Record<string, number[]> = {};
  for (const [name, tensor] of Object.entries(tensors)) {
    values[name] = Array.from(tensor.dataSync());
    tensor.dispose();
  }
  return bits(values);
}

interface Outcome {
  readonly result: TrainResult;
  readonly variables: Record<string, number[]>;
}

/** One process's run: a fresh task (fresh variables), `train`, then the variables' bits. */
async function run(
  outDir: string,
  extra: Partial<TrainOptions> = {},
  task: TinyTaskOptions = {},
): Promise<Outcome> {
  const tiny = createTinyTask(task);
  try {
    const result = await train(tiny, { ...options(outDir), ...extra });
    return { result, variables: bits(tiny.snapshot()) };
  } finally {
    tiny.dispose();
  }
}

async function expectSameRun(resumed: string, reference: string, a: Outcome, b: Outcome) {
  expect(a.variables).toEqual(b.variables);
  expect(await logOf(resumed)).toEqual(await logOf(reference));
  expect(await bestBits(resumed)).toEqual(await bestBits(reference));
  expect(a.result).toMatchObject({
    stopReason: b.result.stopReason,
    steps: b.result.steps,
    best: b.result.best,
    evaluations: b.result.evaluations,
  });
}

describe('resume', () => {
  it('a run stopped mid-epoch and resumed with fresh variables ends bit-identical', async () => {
    const unbroken = await run(join(root, 'a'));
    expect(unbroken.result).toMatchObject({ stopReason: 'completed', steps: 15 });
    const first = await run(join(root, 'b'), { stopAfterSteps: 7 });
    expect(first.result).toMatchObject({ stopReason: 'stopped', steps: 7, epochs: 1 });
    expect(first.variables).not.toEqual(unbroken.variables);
    const manifest = await readCheckpointManifest(join(root, 'b', 'checkpoint'));
    expect(manifest.metadata).toMatchObject({ epoch: 1, window: 2, step: 7 });
    // Zero variables: only the checkpoint can make them right.
    const resumed = await run(join(root, 'b'), { resume: true }, { init: 'zeros' });
    await expectSameRun(join(root, 'b'), join(root, 'a'), resumed, unbroken);
  });

  it('a run killed between checkpoints resumes from the last one and truncates the log', async () => {
    const unbroken = await run(join(root, 'a'));
    const crash = (_window: number, context: { step: number }): void => {
      if (context.step === 9) throw new Error('killed');
    };
    await expect(run(join(root, 'c'), {}, { onWindow: crash })).rejects.toThrow('killed');
    // The log ran ahead of the last checkpoint (step 6) up to step 8.
    const ahead = await readJsonlLog(join(root, 'c', 'log.jsonl'));
    expect(ahead.filter((record) => record.type === 'step').length).toBe(8);
    const manifest = await readCheckpointManifest(join(root, 'c', 'checkpoint'));
    expect(manifest.metadata).toMatchObject({ step: 6, epoch: 1, window: 1 });
    const resumed = await run(join(root, 'c'), { resume: 'auto' }, { init: 'zeros' });
    await expectSameRun(join(root, 'c'), join(root, 'a'), resumed, unbroken);
  });

  it('an aborted run saves a checkpoint and resumes bit-identically, at an epoch boundary too', async () => {
    const unbroken = await run(join(root, 'a'));
    const controller = new AbortController();
    const abortAt = (record: LogRecord): void => {
      if (record.type === 'epoch' && record.epoch === 1) controller.abort();
    };
    const first = await run(join(root, 'd'), { signal: controller.signal, onLog: abortAt });
    expect(first.result).toMatchObject({ stopReason: 'aborted', steps: 10, epochs: 2 });
    const resumed = await run(join(root, 'd'), { resume: true }, { init: 'zeros' });
    await expectSameRun(join(root, 'd'), join(root, 'a'), resumed, unbroken);
  });

  it('resuming a finished run trains no more; asking for more epochs continues it', async () => {
    const outDir = join(root, 'e');
    await run(outDir, { epochs: 2 });
    const steps: number[] = [];
    const onLog = (record: LogRecord): void => {
      if (record.type === 'step') steps.push(record.step as number);
    };
    const again = await run(outDir, { epochs: 2, resume: true, onLog });
    expect(again.result).toMatchObject({ stopReason: 'completed', steps: 10 });
    expect(steps).toEqual([]);
    const longer = await run(outDir, { epochs: 3, resume: true, onLog });
    expect(longer.result).toMatchObject({ stopReason: 'completed', steps: 15 });
    expect(steps).toEqual([11, 12, 13, 14, 15]);
    const unbroken = await run(join(root, 'a'));
    await expectSameRun(outDir, join(root, 'a'), longer, unbroken);
  });

  it('refuses a checkpoint of another run key, optimiser or model, leaving no tensors', async () => {
    const outDir = join(root, 'f');
    await run(outDir, { stopAfterSteps: 2 });
    const before = tf.memory().numTensors;
    await expect(run(outDir, { resume: true, key: createKey(12) })).rejects.toThrow(/another key/);
    const sgd = { resume: true, optimizer: { ...createAdam(), name: 'other' } } as const;
    await expect(run(outDir, sgd)).rejects.toThrow(/optimizer "adam"/);
    await expect(run(outDir, { resume: true }, { windowsPerEpoch: 4 })).rejects.toThrow(
      /5 windows per epoch/,
    );
    expect(tf.memory().numTensors).toBe(before);
  });
});
