import type * as fs from 'node:fs/promises';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { afterEach, beforeEach, expect, it, vi } from 'vitest';

/*
 * The race `loadCheckpoint` retries on: it has read manifest.json, and before it opens the data
 * file a save commits a new manifest and deletes that data file. `open` is wrapped so a test
 * can run a whole save exactly inside that window.
 */
const race = vi.hoisted(() => ({
  beforeOpen: undefined as ((path: string) => Promise<void>) | undefined,
}));

vi.mock('node:fs/promises', async (importOriginal) => {
  const actual = await importOriginal<typeof fs>();
  const open: typeof actual.open = async (...args) => {
    const hook = race.beforeOpen;
    race.beforeOpen = undefined;
    await hook?.(String(args[0]));
    return actual.open(...args);
  };
  return { ...actual, open };
});

let dir = '';
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'bayesrnn-retry-'));
});
afterEach(async () => {
  race.beforeOpen = undefined;
  await rm(dir, { recursive: true, force: true });
});

it('retries with the new manifest when a save replaces the checkpoint mid-load', async () => {
  // The root setup already imported the checkpoint modules with the real fs: reload them so
  // they see the wrapped `open`.
  vi.resetModules();
  const { loadCheckpoint } = await import('./load-checkpoint.js');
  const { saveCheckpoint } = await import('./save-checkpoint.js');
  const old = tf.fill([4], 1);
  const replacement = tf.fill([4], 2);
  const { dataFile: oldDataFile } = await saveCheckpoint(dir, { weights: old }, { step: 1 });
  let replacedDuringLoad = false;
  race.beforeOpen = async (path) => {
    expect(path).toBe(join(dir, oldDataFile));
    await saveCheckpoint(dir, { weights: replacement }, { step: 2 });
    replacedDuringLoad = true;
  };

  const { tensors, metadata, manifest } = await loadCheckpoint(dir);

  expect(replacedDuringLoad).toBe(true);
  expect(manifest.dataFile).not.toBe(oldDataFile);
  expect(metadata).toEqual({ step: 2 });
  expect(await tensors.weights?.array()).toEqual([2, 2, 2, 2]);
  tf.dispose([old, replacement, ...Object.values(tensors)]);
});
