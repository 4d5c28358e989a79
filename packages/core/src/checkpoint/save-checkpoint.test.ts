import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expectNoLeaks } from '@bayesrnn/testing';
import * as tf from '@tensorflow/tfjs-core';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CheckpointError } from './checkpoint-error.js';
import { loadCheckpoint } from './load-checkpoint.js';
import { saveCheckpoint } from './save-checkpoint.js';

let root = '';
beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'bayesrnn-save-'));
});
afterEach(async () => {
  await rm(root, { recursive: true, force: true });
});

/** Raw bytes of a tensor's values, for bit-exact comparison (NaN payloads, -0). */
async function bitsOf(tensor: tf.Tensor): Promise<number[]> {
  const values = await tensor.data();
  return [...new Uint8Array(values.buffer, values.byteOffset, values.byteLength)];
}

/** float32 values whose bits a sloppy round trip would change. */
function trickyFloats(): Float32Array {
  const bits = new Uint32Array([
    0x7fc00000, // NaN
    0x7fc00001, // NaN with a payload
    0xffc00000, // negative NaN
    0x80000000, // -0
    0x7f800000, // Infinity
    0xff800000, // -Infinity
    0x00000001, // smallest subnormal
    0x7f7fffff, // largest finite
    0x3fc00000, // 1.5
  ]);
  return new Float32Array(bits.buffer);
}

async function dirListing(dir: string): Promise<string[]> {
  return (await readdir(dir)).sort();
}

describe('saveCheckpoint / loadCheckpoint round trip', () => {
  it('restores every dtype, shape and value bit-exactly, with metadata', async () => {
    const originals: Record<string, tf.Tensor> = Object.fromEntries([
      ['layer0/kernel', tf.tensor(trickyFloats(), [3, 3], 'float32')],
      ['layer0/bias', tf.tensor([1, 2, 3], [3], 'int32')],
      ['counts', tf.tensor([-2147483648, 2147483647, 0, -1], [2, 2], 'int32')],
      ['mask', tf.tensor([true, false, true], [3], 'bool')],
      ['scalar', tf.scalar(3.25)],
      ['empty', tf.zeros([0, 3])],
      ['empty-int', tf.zeros([2, 0], 'int32')],
      ['odd/üñí code', tf.tensor([false], [1, 1], 'bool')],
      ['__proto__', tf.scalar(7, 'int32')],
    ]);
    const metadata = {
      step: 1200,
      config: { lr: 0.001, layers: [1, 2] },
      note: 'x',
      nothing: null,
    };
    const dir = join(root, 'run', 'nested', 'checkpoint');

    await expectNoLeaks(async () => {
      await saveCheckpoint(dir, originals, metadata);
    }, 'saveCheckpoint');

    await expectNoLeaks(async () => {
      const loaded = await loadCheckpoint(dir);
      expect(Object.keys(loaded.tensors).sort()).toEqual(Object.keys(originals).sort());
      for (const [name, original] of Object.entries(originals)) {
        const restored = loaded.tensors[name];
        if (restored === undefined) throw new Error(`missing ${name}`);
        expect(restored.dtype, name).toBe(original.dtype);
        expect(restored.shape, name).toEqual(original.shape);
        expect(await bitsOf(restored), name).toEqual(await bitsOf(original));
      }
      expect(loaded.metadata).toEqual(metadata);
      expect(loaded.manifest.tensors.map((entry) => entry.name)).toEqual(Object.keys(originals));
      tf.dispose(Object.values(loaded.tensors));
    }, 'loadCheckpoint + dispose');

    for (const tensor of Object.values(originals)) expect(tensor.isDisposed).toBe(false);
    tf.dispose(Object.values(originals));
  });

  it('writes the documented layout: manifest.json and one aligned data file', async () => {
    const a = tf.tensor([true, false, true], [3], 'bool');
    const b = tf.tensor([1, 2], [2]);
    const manifest = await saveCheckpoint(root, { a, b });
    tf.dispose([a, b]);

    expect(await dirListing(root)).toEqual(['manifest.json', manifest.dataFile].sort());
    expect(manifest.dataFile).toMatch(/^tensors-[0-9a-f]{16}\.bin$/);
    const onDisk: unknown = JSON.parse(await readFile(join(root, 'manifest.json'), 'utf8'));
    expect(onDisk).toEqual(manifest);
    expect(manifest).toMatchObject({
      format: 'bayesrnn-checkpoint',
      formatVersion: 1,
      metadata: null,
      tensors: [
        { name: 'a', shape: [3], dtype: 'bool', byteOffset: 0, byteLength: 3 },
        { name: 'b', shape: [2], dtype: 'float32', byteOffset: 8, byteLength: 8 },
      ],
    });
    expect(Number.isNaN(Date.parse(manifest.createdAt))).toBe(false);
    const data = await readFile(join(root, manifest.dataFile));
    // bool as bytes 1,0,1, zero padding to 8, then float32 1 and 2 little-endian.
    expect([...data]).toEqual([1, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0x80, 0x3f, 0, 0, 0, 0x40]);
  });

  it('replaces an existing checkpoint and deletes only its superseded data file', async () => {
    const first = tf.tensor([1, 2, 3], [3]);
    const second = tf.tensor([[4], [5]], [2, 1]);
    const old = await saveCheckpoint(root, { weights: first }, { step: 1 });
    await writeFile(join(root, 'notes.txt'), 'not ours: must survive');
    const latest = await saveCheckpoint(root, { weights: second }, { step: 2 });

    expect(latest.dataFile).not.toBe(old.dataFile);
    expect(await dirListing(root)).toEqual(['manifest.json', 'notes.txt', latest.dataFile].sort());
    const loaded = await loadCheckpoint(root);
    expect(loaded.metadata).toEqual({ step: 2 });
    expect(await loaded.tensors.weights?.array()).toEqual([[4], [5]]);
    tf.dispose([first, second, ...Object.values(loaded.tensors)]);
  });

  it('saves an empty tensor set (metadata only)', async () => {
    await saveCheckpoint(root, {}, { step: 0 });
    const loaded = await loadCheckpoint(root);
    expect(loaded.tensors).toEqual({});
    expect(loaded.metadata).toEqual({ step: 0 });
  });
});

describe('saveCheckpoint snapshots and ordering', () => {
  it('captures values at call time even if a variable changes while it writes', async () => {
    const variable = tf.variable(tf.tensor([1, 2]));
    const saving = saveCheckpoint(root, { variable });
    variable.assign(tf.tensor([9, 9]));
    await saving;
    const loaded = await loadCheckpoint(root);
    expect(await loaded.tensors.variable?.array()).toEqual([1, 2]);
    tf.dispose([variable, ...Object.values(loaded.tensors)]);
  });

  it('runs overlapping saves into one directory one after another; the last wins', async () => {
    const tensors = [1, 2, 3, 4].map((step) => tf.fill([64], step));
    const saves = tensors.map((tensor, step) => saveCheckpoint(root, { tensor }, { step }));
    const manifests = await Promise.all(saves);
    const last = manifests[manifests.length - 1];
    expect(await dirListing(root)).toEqual(['manifest.json', last?.dataFile].sort());
    const loaded = await loadCheckpoint(root);
    expect(loaded.metadata).toEqual({ step: 3 });
    expect((await loaded.tensors.tensor?.data())?.[0]).toBe(4);
    tf.dispose([...tensors, ...Object.values(loaded.tensors)]);
  });
});

describe('saveCheckpoint input validation', () => {
  async function rejection(promise: Promise<unknown>): Promise<CheckpointError> {
    const error: unknown = await promise.then(
      () => undefined,
      (reason: unknown) => reason,
    );
    if (!(error instanceof CheckpointError))
      throw new Error(`expected a CheckpointError, got ${String(error)}`);
    return error;
  }

  // wasm has no Complex kernel, so no complex64 tensor exists there to refuse.
  const hasComplex = tf.getKernel('Complex', tf.getBackend()) !== undefined;
  const unsupported: [string, () => tf.Tensor][] = [
    ...(hasComplex ? [['complex64', () => tf.complex([1], [2])] as [string, () => tf.Tensor]] : []),
    ['string', () => tf.tensor(['a', 'b'])],
  ];
  it.each(unsupported)(
    'refuses a %s tensor by name, before creating anything',
    async (dtype, make) => {
      const good = tf.scalar(1);
      const bad = make();
      const dir = join(root, 'never-created');
      const error = await rejection(saveCheckpoint(dir, { good, 'layer/bad': bad }));
      expect(error.code).toBe('dtype');
      expect(error.tensorName).toBe('layer/bad');
      expect(error.message).toContain(`"layer/bad" has dtype ${dtype}`);
      await expect(readdir(dir)).rejects.toThrow(/ENOENT/);
      tf.dispose([good, bad]);
    },
  );

  it('refuses an empty name and a disposed tensor', async () => {
    const disposed = tf.scalar(1);
    disposed.dispose();
    const unnamed = tf.scalar(1);
    const empty = await rejection(saveCheckpoint(root, { '': unnamed }));
    unnamed.dispose();
    expect(empty.code).toBe('name');
    expect(empty.message).toContain('empty name');
    const gone = await rejection(saveCheckpoint(root, { gone: disposed }));
    expect(gone.code).toBe('input');
    expect(gone.message).toContain('"gone" is disposed');
  });

  it('refuses metadata that would not survive JSON, naming where', async () => {
    const error = await rejection(saveCheckpoint(root, {}, { config: { lr: Number.NaN } }));
    expect(error.code).toBe('input');
    expect(error.message).toContain('metadata.config.lr is NaN');
    expect(await readdir(root)).toEqual([]);
  });
});
