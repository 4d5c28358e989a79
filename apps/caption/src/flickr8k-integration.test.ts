import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { captureOutput, checkLeaksAfterEachTest } from '@bayesrnn/testing';
import { describe, expect, it } from 'vitest';
import type { CaptionResults } from './caption-results.js';
import { main } from './main.js';

checkLeaksAfterEachTest();

/**
 * One epoch of a small blind decoder on the real Flickr8k captions (../shared/data/flickr8k or
 * $BAYESRNN_DATA): the official 6,000 / 1,000 / 1,000 images with 5 captions each, scored on
 * all 5,000 validation and test captions and the 1,000 test images captioned. In CI the data
 * must be there, so a missing folder fails; elsewhere the test is skipped.
 */
const dataDir = process.env.BAYESRNN_DATA
  ? resolve(process.env.BAYESRNN_DATA, 'flickr8k')
  : resolve(import.meta.dirname, '..', '..', '..', '..', 'shared', 'data', 'flickr8k');
const present = existsSync(join(dataDir, 'Flickr_8k.trainImages.txt'));

describe.runIf(present || process.env.CI)('Flickr8k, the real captions', () => {
  it('trains a blind decoder and scores the test images', { timeout: 600_000 }, async () => {
    expect(present, `Flickr8k is missing from ${dataDir} (CI needs ../shared/data)`).toBe(true);
    const out = await mkdtemp(join(tmpdir(), 'bayesrnn-flickr8k-'));
    try {
      const args = ['--blind', '--data', dataDir, '--images', '600', '--hidden', '32'];
      args.push('--embedding', '32', '--epochs', '1', '--lr', '0.01', '--beam', '1');
      args.push('--backend', 'wasm', '--out', join(out, 'run'));
      const run = await captureOutput(() => main(['train', ...args]));
      expect(run.code, run.err).toBe(0);
      const results = JSON.parse(
        await readFile(join(out, 'run', 'results.json'), 'utf8'),
      ) as CaptionResults;
      expect(results.counts).toEqual({
        images: { train: 600, valid: 1000, test: 1000 },
        captions: { train: 3000, valid: 5000, test: 5000 },
      });
      // Far below a uniform guess over the vocabulary; one caption for every image.
      expect(results.test.perplexity).toBeLessThan(results.vocabulary / 4);
      expect(results.captions.distinctCaptions).toBe(1);
      const lines = (await readFile(join(out, 'run', 'test-captions.jsonl'), 'utf8')).trim();
      expect(lines.split('\n')).toHaveLength(1000);
    } finally {
      await rm(out, { recursive: true, force: true });
    }
  });
});
