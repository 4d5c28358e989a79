import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createKey, loadCheckpoint, readCheckpointManifest } from '@bayesrnn/core';
import * as tf from '@tensorflow/tfjs-core';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createAdam } from './adam.js';
import type { LogRecord } from './jsonl-log.js';
import { createTinyTask } from './tiny-tasks.fixture.js';
import { train } from './train.js';
import type { TrainOptions } from './train-config.js';
import type { TrainTask } from './train-task.js';

let outDir = '';
beforeEach(async () => {
  outDir = await mkdtemp(join(tmpdir(), 'bayesrnn-best-'));
});
afterEach(async () => {
  await rm(outDir, { recursive: true, force: true });
});

/** Validation mse per epoch: best at epoch 1, then two epochs without improvement. */
const SCRIPT = [5, 4, 4.5, 4.7, 3];

const options = (): TrainOptions => ({
  key: createKey(5),
  outDir,
  epochs: 10,
  optimizer: createAdam(),
  learningRate: 0.05,
  monitor: { metric: 'mse', patience: 2 },
  testSplits: ['test'],
  onProgress: false,
});

/** The tiny task, recording its variables whenever it is evaluated. */
function recorded(): { task: TrainTask; dispose(): void; seen: Record<string, number[]>[] } {
  const tiny = createTinyTask({ validationScript: SCRIPT });
  const seen: Record<string, number[]>[] = [];
  const task: TrainTask = {
    ...tiny,
    initialState: () => tiny.initialState(),
    windowLoss: (window, state, context) =>
      tiny.windowLoss(window, state as ReturnType<typeof tiny.initialState>, context),
    evaluate: async (split, key) => {
      seen.push(tiny.snapshot());
      return (await tiny.evaluate?.(split, key)) ?? {};
    },
  };
  return { task, dispose: () => tiny.dispose(), seen };
}

async function stored(dir: string): Promise<Record<string, number[]>> {
  const { tensors } = await loadCheckpoint(dir);
  const values: Record<string, number[]> = {};
  for (const [name, tensor] of Object.entries(tensors))
    values[name] = Array.from(tensor.dataSync());
  tf.dispose(Object.values(tensors));
  return values;
}

describe('early stopping and the best model', () => {
  it('stops after `patience` epochs without improvement; best/ holds the best epoch', async () => {
    const { task, dispose, seen } = recorded();
    const records: LogRecord[] = [];
    const result = await train(task, { ...options(), onLog: (record) => records.push(record) });
    expect(result).toMatchObject({
      stopReason: 'early-stopped',
      epochs: 4,
      steps: 20,
      best: { epoch: 1, step: 10, metric: 'mse', value: 4 },
      restoredBest: true,
    });
    const epochs = records.filter((record) => record.type === 'epoch');
    expect(epochs.map((record) => record.improved)).toEqual([true, true, false, false]);
    expect(epochs.map((record) => record.badEpochs)).toEqual([0, 0, 1, 2]);
    // Four validations, then the test split evaluated on the restored best model.
    expect(seen).toHaveLength(5);
    expect(seen[3]).not.toEqual(seen[1]);
    expect(await stored(join(outDir, 'best'))).toEqual(seen[1]);
    expect(seen[4]).toEqual(seen[1]);
    const manifest = await readCheckpointManifest(join(outDir, 'best'));
    expect(manifest.metadata).toMatchObject({ epoch: 1, step: 10, metric: 'mse', value: 4 });
    expect(records[records.length - 1]).toMatchObject({
      type: 'test',
      split: 'test',
      restoredBest: true,
    });
    expect(result.evaluations.test).toBeDefined();
    dispose();
  });

  it('keeps the last variables with restoreBest: false, and a stopped run stays stopped', async () => {
    const first = recorded();
    await train(first.task, { ...options(), restoreBest: false });
    const last = first.seen[3];
    const now = createTinyTask({ init: 'zeros' });
    expect(first.seen.length).toBe(5);
    expect(first.seen[4]).toEqual(last);
    first.dispose();
    const again = await train(now, { ...options(), resume: true, testSplits: [] });
    expect(again).toMatchObject({ stopReason: 'early-stopped', steps: 20, restoredBest: true });
    // Resuming a finished run restores the best model into fresh variables.
    expect(now.snapshot()).toEqual(first.seen[1]);
    now.dispose();
  });
});
