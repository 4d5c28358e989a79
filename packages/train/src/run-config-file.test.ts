import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { checkSameRunConfig } from './run-config-file.js';

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
