import { mkdir, mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { makeDirectoryDurable, writeFileAtomic } from './write-file-atomic.js';

let root = '';
beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'bayesrnn-atomic-'));
});
afterEach(async () => {
  await rm(root, { recursive: true, force: true });
});

describe('writeFileAtomic', () => {
  it('creates, then replaces, a file, leaving no temp files', async () => {
    const path = join(root, 'results.json');
    await writeFileAtomic(path, '{"a":1}\n');
    await writeFileAtomic(path, new Uint8Array([0x7b, 0x7d]));
    expect(await readFile(path, 'utf8')).toBe('{}');
    expect(await readdir(root)).toEqual(['results.json']);
  });

  it('writes strings as UTF-8', async () => {
    const path = join(root, 'note.txt');
    await writeFileAtomic(path, 'üñí ✓');
    expect(await readFile(path, 'utf8')).toBe('üñí ✓');
  });

  it('on failure keeps what was there and removes its temp file', async () => {
    // Renaming a file over a non-empty directory fails on every platform.
    const path = join(root, 'taken');
    await mkdir(join(path, 'inside'), { recursive: true });
    await expect(writeFileAtomic(path, 'new')).rejects.toThrow();
    expect(await readdir(root)).toEqual(['taken']);
    expect(await readdir(path)).toEqual(['inside']);
  });

  it('needs the parent directory to exist', async () => {
    await expect(writeFileAtomic(join(root, 'missing', 'file'), 'x')).rejects.toThrow(/ENOENT/);
    expect(await readdir(root)).toEqual([]);
  });
});

describe('makeDirectoryDurable', () => {
  it('creates nested directories and accepts existing ones', async () => {
    const nested = join(root, 'a', 'b', 'c');
    await makeDirectoryDurable(nested);
    await makeDirectoryDurable(nested);
    expect(await readdir(join(root, 'a', 'b'))).toEqual(['c']);
  });
});
