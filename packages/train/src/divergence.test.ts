import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createKey, loadCheckpoint } from '@bayesrnn/core';
import * as tf from '@tensorflow/tfjs-core';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createAdam } from './adam.js';
import { readJsonlLog } from './jsonl-log.js';
import { createSgd } from './sgd.js';
import { createTinyTask } from './tiny-tasks.fixture.js';
import { train } from './train.js';
import type { TrainOptions } from './train-config.js';
import type { TrainTask } from './train-task.js';
import { TrainingDivergedError } from './training-diverged-error.js';

let outDir = '';
beforeEach(async () => {
  outDir = await mkdtemp(join(tmpdir(), 'bayesrnn-diverge-'));
});
afterEach(async () => {
  await rm(outDir, { recursive: true, force: true });
});

const options = (): TrainOptions => ({
  key: createKey(3),
  outDir,
  epochs: 3,
  optimizer: createAdam(),
  learningRate: 0.01,
  checkpointEvery: 3,
  logEvery: 1,
  monitor: { metric: 'mse' },
  onProgress: false,
});

async function caught(promise: Promise<unknown>): Promise<TrainingDivergedError> {
  const error = await promise.then(
    () => undefined,
    (reason: unknown) => reason,
  );
  if (!(error instanceof TrainingDivergedError))
    throw new Error(`expected divergence, got ${error}`);
  return error;
}

describe('NaN guard', () => {
  it('stops at a NaN loss, names the step, applies nothing and keeps the last checkpoint', async () => {
    const snapshots = new Map<number, Record<string, number[]>>();
    const task = createTinyTask({
      poison: { fromStep: 8, factor: Number.NaN },
      onWindow: (_window, context) => snapshots.set(context.step, task.snapshot()),
    });
    const before = tf.memory().numTensors;
    const error = await caught(train(task, options()));
    expect(tf.memory().numTensors).toBe(before);
    const checkpoint = join(outDir, 'checkpoint');
    expect(error).toMatchObject({ step: 8, epoch: 1, window: 2, checkpointPath: checkpoint });
    expect(error.loss).toBeNaN();
    expect(error.message).toMatch(/step 8 \(epoch 1, window 2\): not finite: loss NaN/);
    expect(error.message).toContain(checkpoint);
    const log = await readJsonlLog(join(outDir, 'log.jsonl'));
    const steps = log.filter((record) => record.type === 'step');
    expect(error.lastFiniteLoss).toBe(steps[steps.length - 1]?.loss);
    expect(log[log.length - 1]).toMatchObject({ type: 'diverged', step: 8, loss: 'NaN' });
    // The failed update was not applied: the variables are as step 8 found them.
    expect(task.snapshot()).toEqual(snapshots.get(8));
    // The checkpoint is the one of step 6, holding step 6's variables.
    const { tensors, metadata } = await loadCheckpoint(checkpoint);
    expect(metadata).toMatchObject({ step: 6 });
    for (const [name, values] of Object.entries(snapshots.get(7) ?? {})) {
      expect(Array.from(tensors[`variables/${name}`]?.dataSync() ?? [])).toEqual(values);
    }
    tf.dispose(Object.values(tensors));
    task.dispose();
  });

  it('catches an infinite loss before any checkpoint', async () => {
    const task = createTinyTask({ poison: { fromStep: 2, factor: Number.POSITIVE_INFINITY } });
    const error = await caught(train(task, options()));
    expect(error).toMatchObject({
      step: 2,
      loss: Number.POSITIVE_INFINITY,
      checkpointPath: undefined,
    });
    expect(error.message).toMatch(/no checkpoint was saved yet/);
    await expect(readFile(join(outDir, 'checkpoint', 'manifest.json'))).rejects.toThrow(/ENOENT/);
    task.dispose();
  });

  it('catches a NaN gradient norm under a finite loss', async () => {
    const w = tf.variable(tf.tensor1d([0.5]));
    const task: TrainTask<Record<string, never>> = {
      variables: { w },
      windowsPerEpoch: 4,
      initialState: () => ({}),
      windowLoss: (_window, state, context) => {
        const fit = tf.sum(tf.square(tf.sub(w, 1)));
        // 0·√(w − w) is 0, but its gradient is 0·∞ = NaN: a classic silent blow-up.
        const trap = context.step >= 3 ? tf.mul(0, tf.sqrt(tf.sub(w, w))) : tf.scalar(0);
        return { loss: tf.add(fit, tf.sum(trap)) as tf.Scalar, state, tokens: 0 };
      },
    };
    const error = await caught(train(task, { ...options(), optimizer: createSgd() }));
    expect(error).toMatchObject({ step: 3, epoch: 0, window: 2 });
    expect(Number.isFinite(error.loss)).toBe(true);
    expect(error.gradientNorm).toBeNaN();
    expect(error.message).toMatch(/not finite: gradient norm NaN \(loss 0\.2\d+/);
    w.dispose();
  });
});
