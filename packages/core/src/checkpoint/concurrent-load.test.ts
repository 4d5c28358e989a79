import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { loadCheckpoint } from './load-checkpoint.js';
import { saveCheckpoint } from './save-checkpoint.js';

let dir = '';
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'bayesrnn-concurrent-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

it('loads a consistent checkpoint while another save keeps replacing it', async () => {
  const weights = (step: number): tf.Tensor => tf.fill([256], step);
  const first = weights(0);
  await saveCheckpoint(dir, { weights: first }, { step: 0 });
  first.dispose();

  let saving = true;
  const writer = (async () => {
    for (let step = 1; step <= 40; step += 1) {
      const tensor = weights(step);
      await saveCheckpoint(dir, { weights: tensor }, { step });
      tensor.dispose();
    }
    saving = false;
  })();

  let loads = 0;
  while (saving) {
    const { tensors, metadata } = await loadCheckpoint(dir);
    // Tensor and metadata must come from the same save, never a mix.
    const step = (metadata as { step: number }).step;
    const values = await tensors.weights?.data();
    expect(values?.every((value) => value === step)).toBe(true);
    tf.dispose(Object.values(tensors));
    loads += 1;
  }
  await writer;
  expect(loads).toBeGreaterThan(0);
});
