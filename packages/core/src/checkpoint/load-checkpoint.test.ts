import { mkdtemp, readFile, rm, truncate, unlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expectNoLeaks } from '@bayesrnn/testing';
import * as tf from '@tensorflow/tfjs-core';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CheckpointError, type CheckpointErrorCode } from './checkpoint-error.js';
import type { CheckpointManifest } from './checkpoint-format.js';
import { type LoadCheckpointOptions, loadCheckpoint } from './load-checkpoint.js';
import { saveCheckpoint } from './save-checkpoint.js';

let root = '';
let manifest: CheckpointManifest;
let dataPath = '';
const manifestPath = (): string => join(root, 'manifest.json');

beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'bayesrnn-load-'));
  const kernel = tf.tensor(
    Array.from({ length: 12 }, (_, i) => i / 4),
    [3, 4],
  );
  const step = tf.scalar(5, 'int32');
  manifest = await saveCheckpoint(root, { 'layer0/kernel': kernel, step }, { step: 5 });
  dataPath = join(root, manifest.dataFile);
  tf.dispose([kernel, step]);
});
afterEach(async () => {
  await rm(root, { recursive: true, force: true });
});

/**
 * Loads `dir`, expecting a CheckpointError with `code`, and checks that the failed load
 * created no tensors. Returns the error for message checks.
 */
async function expectLoadError(
  code: CheckpointErrorCode,
  options: LoadCheckpointOptions = {},
  dir = root,
): Promise<CheckpointError> {
  let caught: unknown;
  await expectNoLeaks(async () => {
    caught = await loadCheckpoint(dir, options).then(
      () => undefined,
      (reason: unknown) => reason,
    );
  }, 'failed load');
  if (!(caught instanceof CheckpointError))
    throw new Error(`expected CheckpointError, got ${String(caught)}`);
  expect(caught.code, caught.message).toBe(code);
  return caught;
}

async function editManifest(edit: (raw: Record<string, unknown>) => void): Promise<void> {
  const raw = JSON.parse(await readFile(manifestPath(), 'utf8')) as Record<string, unknown>;
  edit(raw);
  await writeFile(manifestPath(), JSON.stringify(raw));
}

describe('loadCheckpoint', () => {
  it('loads what was saved when expectations hold', async () => {
    const loaded = await loadCheckpoint(root, {
      expect: { 'layer0/kernel': { shape: [3, 4], dtype: 'float32' }, step: { shape: [] } },
    });
    expect(await loaded.tensors.step?.array()).toBe(5);
    expect(loaded.tensors['layer0/kernel']?.shape).toEqual([3, 4]);
    tf.dispose(Object.values(loaded.tensors));
  });

  it('refuses a missing directory, manifest or data file, naming it', async () => {
    const noDir = await expectLoadError('missing', {}, join(root, 'nope'));
    expect(noDir.message).toContain(`directory ${join(root, 'nope')} does not exist`);
    await writeFile(join(root, 'a-file'), '');
    const notDir = await expectLoadError('missing', {}, join(root, 'a-file'));
    expect(notDir.message).toContain('is not a directory');

    await rm(manifestPath());
    const noManifest = await expectLoadError('missing');
    expect(noManifest.path).toBe(manifestPath());
    expect(noManifest.message).toContain('has no manifest.json');
  });

  it('refuses a checkpoint whose data file is gone', async () => {
    await unlink(dataPath);
    const error = await expectLoadError('missing');
    expect(error.path).toBe(dataPath);
    expect(error.message).toContain(`${dataPath}, named by the manifest, is missing`);
  });

  it('refuses a truncated data file, naming the file and the cut tensor', async () => {
    await truncate(dataPath, 50);
    const error = await expectLoadError('truncated');
    expect(error.path).toBe(dataPath);
    expect(error.tensorName).toBe('step');
    expect(error.message).toMatch(
      /is truncated: 50 bytes, but the manifest needs 52; tensor "step"/,
    );
  });

  it('refuses a data file longer than the manifest describes', async () => {
    const data = await readFile(dataPath);
    await writeFile(dataPath, Buffer.concat([data, Buffer.from([0])]));
    const error = await expectLoadError('format');
    expect(error.message).toContain('does not belong to this manifest');
  });

  it('refuses a tampered byte by checksum, naming the tensor', async () => {
    const data = await readFile(dataPath);
    data[17] = (data[17] ?? 0) ^ 0x01; // inside layer0/kernel (bytes 0..48)
    await writeFile(dataPath, data);
    const error = await expectLoadError('checksum');
    expect(error.tensorName).toBe('layer0/kernel');
    expect(error.message).toContain(`${dataPath}: tensor "layer0/kernel" fails its SHA-256 check`);
  });

  it('refuses a shape, dtype or name that differs from what is expected', async () => {
    const shape = await expectLoadError('shape', {
      expect: { 'layer0/kernel': { shape: [4, 3] } },
    });
    expect(shape.message).toContain('tensor "layer0/kernel" has shape [3,4], expected [4,3]');
    expect(shape.path).toBe(manifestPath());

    const dtype = await expectLoadError('dtype', {
      expect: { step: { shape: [], dtype: 'float32' } },
    });
    expect(dtype.message).toContain('tensor "step" has dtype int32, expected float32');

    const name = await expectLoadError('name', { expect: { 'layer1/kernel': { shape: [3, 4] } } });
    expect(name.message).toContain(
      'has no tensor "layer1/kernel" (it has "layer0/kernel", "step")',
    );
    // Names on Object.prototype are not "present" just because every object inherits them.
    await expectLoadError('name', { expect: { toString: { shape: [] } } });
  });

  it('refuses a manifest that is not JSON or not ours', async () => {
    await writeFile(manifestPath(), '{"format": "bayesrnn-checkpoint", ');
    const notJson = await expectLoadError('format');
    expect(notJson.message).toContain(`${manifestPath()} is not valid JSON`);

    await writeFile(manifestPath(), JSON.stringify({ format: 'something-else', formatVersion: 1 }));
    const foreign = await expectLoadError('format');
    expect(foreign.message).toContain(
      'is not a bayesrnn-checkpoint manifest (format: "something-else")',
    );
  });

  it('refuses a manifest written by a newer format version, saying to upgrade', async () => {
    await editManifest((raw) => {
      raw.formatVersion = 2;
      raw.tensors = 'whatever a newer version writes';
    });
    const error = await expectLoadError('version');
    expect(error.message).toContain('formatVersion 2');
    expect(error.message).toContain('written by a newer @bayesrnn/core; upgrade');
  });

  it.each([
    [
      'a data file outside the directory',
      (raw: Record<string, unknown>) => {
        raw.dataFile = '../tensors-00.bin';
      },
      'is not a tensors-<id>.bin file name',
    ],
    [
      'an inconsistent byteLength',
      (raw: Record<string, unknown>) => {
        const [first] = raw.tensors as Record<string, unknown>[];
        if (first) first.byteLength = 4;
      },
      'tensors[0] ("layer0/kernel") has byteLength 4, but its shape and dtype need 48',
    ],
    [
      'a duplicated name',
      (raw: Record<string, unknown>) => {
        const tensors = raw.tensors as Record<string, unknown>[];
        raw.tensors = [tensors[0], { ...tensors[0] }];
      },
      'tensor "layer0/kernel" appears twice',
    ],
    [
      'an unknown dtype',
      (raw: Record<string, unknown>) => {
        const [first] = raw.tensors as Record<string, unknown>[];
        if (first) first.dtype = 'float16';
      },
      'unsupported dtype float16',
    ],
  ])('refuses a manifest with %s', async (_, edit, message) => {
    await editManifest(edit);
    const error = await expectLoadError('format');
    expect(error.message).toContain(message);
  });
});
