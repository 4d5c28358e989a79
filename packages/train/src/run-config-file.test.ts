import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { checkLeaksAfterEachTest } from '@bayesrnn/testing';
import { afterAll, describe, expect, it } from 'vitest';
import { checkSameRunConfig, writeRunConfig } from './run-config-file.js';

// Tensor-free today; the check keeps it so if the code under test starts making tensors.
checkLeaksAfterEachTest();

const root = await mkdtemp(join(tmpdir(), 'run-config-'));
afterAll(() => rm(root, { recursive: true, force: true }));

describe('checkSameRunConfig', () => {
  it('passes for a run not started and for the same settings, names the keys that differ', async () => {
    const path = join(root, 'config.json');
    await expect(checkSameRunConfig(path, { seed: 1 })).resolves.toBeUndefined();
    await writeFile(path, JSON.stringify({ seed: 1, epochs: 20, lr: 0.001 }));
    await expect(
      checkSameRunConfig(path, { seed: 1, epochs: 20, lr: 0.001, extra: undefined }),
    ).resolves.toBeUndefined();
    await expect(checkSameRunConfig(path, { seed: 2, epochs: 20, lr: 0.01 })).rejects.toThrow(
      /config\.json: the run was started with other settings \(seed, lr differ\)/,
    );
  });
});

describe('writeRunConfig', () => {
  it('writes config.json in a new folder, and on resume refuses other settings first', async () => {
    const outDir = join(root, 'runs', 'a');
    const path = await writeRunConfig(outDir, { seed: 1, epochs: 3 }, { resume: false });
    expect(path).toBe(join(outDir, 'config.json'));
    expect(JSON.parse(await readFile(path, 'utf8'))).toEqual({ seed: 1, epochs: 3 });
    await expect(writeRunConfig(outDir, { seed: 1, epochs: 3 }, { resume: true })).resolves.toBe(
      path,
    );
    await expect(writeRunConfig(outDir, { seed: 1, epochs: 4 }, { resume: true })).rejects.toThrow(
      '(epochs differ)',
    );
    // The refused call left the recorded settings as they were.
    expect(JSON.parse(await readFile(path, 'utf8'))).toEqual({ seed: 1, epochs: 3 });
    // Without resume a new run replaces them.
    await writeRunConfig(outDir, { seed: 2 }, { resume: false });
    expect(JSON.parse(await readFile(path, 'utf8'))).toEqual({ seed: 2 });
  });
});
