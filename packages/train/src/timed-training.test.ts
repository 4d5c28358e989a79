import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createKey } from '@bayesrnn/core';
import { checkLeaksAfterEachTest } from '@bayesrnn/testing';
import { describe, expect, it } from 'vitest';
import { createAdam } from './adam.js';
import { trainTimed } from './timed-training.js';
import { createTinyTask } from './tiny-tasks.fixture.js';

checkLeaksAfterEachTest();

describe('trainTimed', () => {
  it('trains and reports the units of the windows run here per second of training', async () => {
    const task = createTinyTask({ windowsPerEpoch: 3 });
    const outDir = await mkdtemp(join(tmpdir(), 'timed-training-'));
    try {
      const run = await trainTimed(task, {
        key: createKey(1),
        outDir,
        epochs: 2,
        optimizer: createAdam(),
        learningRate: 0.01,
        onProgress: false,
        testSplits: ['test'],
        monitor: { split: 'valid', metric: 'mse', mode: 'min' },
      });
      expect(run.result.stopReason).toBe('completed');
      expect(run.trainingSeconds).toBeGreaterThan(0);
      // Six windows of the tiny task's 2 × 4 tokens, over the seconds measured.
      expect(run.unitsPerSecond * run.trainingSeconds).toBeCloseTo(48, 6);
    } finally {
      task.dispose();
      await rm(outDir, { recursive: true, force: true });
    }
  });
});
