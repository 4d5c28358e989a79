import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { main } from './main.js';

/**
 * The `tiny` preset on the real Penn Treebank (../shared/data/ptb or $BAYESRNN_DATA): 300
 * Adam steps of a 1×64 LSTM, then validation and test perplexity. In CI the data must be
 * there, so a missing folder fails; elsewhere the test is skipped.
 */
const dataDir = process.env.BAYESRNN_DATA
  ? resolve(process.env.BAYESRNN_DATA, 'ptb')
  : resolve(import.meta.dirname, '..', '..', '..', '..', 'shared', 'data', 'ptb');
const present =
  existsSync(join(dataDir, 'ptb.train.txt.gz')) || existsSync(join(dataDir, 'ptb.train.txt'));

describe.runIf(present || process.env.CI)('tiny preset on real PTB', () => {
  it('brings validation perplexity far below the vocabulary size', async () => {
    expect(present, `PTB is missing from ${dataDir} (CI needs ../shared/data/ptb)`).toBe(true);
    const out = await mkdtemp(join(tmpdir(), 'bayesrnn-ptb-'));
    const quiet = vi.spyOn(console, 'error').mockImplementation(() => {});
    const print = vi.spyOn(console, 'log').mockImplementation(() => {});
    try {
      const code = await main([
        'train',
        '--preset',
        'tiny',
        '--data',
        dataDir,
        '--out',
        join(out, 'run'),
        '--backend',
        'wasm',
      ]);
      expect(code).toBe(0);
      const results = JSON.parse(await readFile(join(out, 'run', 'results.json'), 'utf8'));
      expect(results.valid.tokens).toBeGreaterThan(70_000);
      // Uniform guessing is 10,000; a unigram model about 700; 300 steps reach ~550.
      expect(results.valid.perplexity).toBeLessThan(1000);
      expect(results.test.perplexity).toBeLessThan(1000);
    } finally {
      quiet.mockRestore();
      print.mockRestore();
      await rm(out, { recursive: true, force: true });
    }
  }, 600_000);
});
