import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type CapturedRun, captureOutput, checkLeaksAfterEachTest } from '@bayesrnn/testing';
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeTinyFlickr } from './__fixtures__/tiny-flickr.js';
import type { CaptionResults } from './caption-results.js';
import { main } from './main.js';

checkLeaksAfterEachTest();

function run(argv: string[]): Promise<CapturedRun> {
  return captureOutput(() => main(argv));
}

let dir = '';
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'bayesrnn-caption-'));
  await writeTinyFlickr(dir);
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const withFeatures = () => [
  '--features',
  join(dir, 'features.npy'),
  '--feature-names',
  join(dir, 'features.txt'),
];

/** A run small enough for the cpu backend: words seen twice are kept. */
const tiny = (out: string, ...rest: string[]) => [
  'train',
  ...['--data', join(dir, 'data'), '--hidden', '16', '--embedding', '16', '--batch', '20'],
  ...['--min-count', '2', '--lr', '0.02', '--backend', 'cpu', '--out', join(dir, out), ...rest],
];

async function readResults(out: string): Promise<CaptionResults> {
  return JSON.parse(await readFile(join(dir, out, 'results.json'), 'utf8')) as CaptionResults;
}

describe('bayesrnn-caption command line', { timeout: 300_000 }, () => {
  it('prints help, and names a bad flag or a missing input', async () => {
    expect((await run(['--help'])).out).toContain('train');
    expect((await run(['train', '--help'])).out).toContain('--feature-names FILE');
    const neither = await run(['train']);
    expect(neither.code).toBe(2);
    expect(neither.err).toContain(
      'give image features (--features FILE.npy --feature-names FILE) or --blind',
    );
    const both = await run(['train', '--blind', ...withFeatures()]);
    expect(both.code).toBe(2);
    expect(both.err).toContain('--blind trains without image features');
    const temperature = await run(['train', '--blind', '--temperature', '0.1']);
    expect(temperature.code).toBe(2);
    expect(temperature.err).toContain('--temperature applies to psgld and psgld-dropout');
    const missing = await run(['train', '--blind', '--data', join(dir, 'nowhere')]);
    expect(missing.code).toBe(1);
    expect(missing.err).toContain('Flickr8k not found: no Flickr_8k.trainImages.txt in');
    await writeFile(join(dir, 'short.txt'), '0_img.jpg\n');
    const names = await run([
      ...tiny('short'),
      '--features',
      join(dir, 'features.npy'),
      '--feature-names',
      join(dir, 'short.txt'),
    ]);
    expect(names.code).toBe(1);
    expect(names.err).toContain('short.txt names 1 images but');
  });

  it('learns to caption from the features with RMSprop; the blind decoder cannot', async () => {
    const before = tf.memory().numTensors;
    const seeing = await run(tiny('features', ...withFeatures(), '--epochs', '15'));
    expect(seeing.code, seeing.err).toBe(0);
    const blind = await run(tiny('blind', '--blind', '--epochs', '15'));
    expect(blind.code, blind.err).toBe(0);
    expect(tf.memory().numTensors).toBe(before);
    const [withImages, without] = [await readResults('features'), await readResults('blind')];
    expect(withImages.counts).toEqual({
      images: { train: 40, valid: 8, test: 8 },
      captions: { train: 200, valid: 40, test: 40 },
    });
    expect(withImages.featureSize).toBe(4);
    expect(without.featureSize).toBe(0);
    // The blind decoder says the same of every image; the features tell the subject.
    expect(without.captions.distinctCaptions).toBe(1);
    expect(withImages.captions.distinctCaptions).toBeGreaterThanOrEqual(4);
    expect(withImages.test.perplexity).toBeLessThan(without.test.perplexity);
    expect(withImages.captions.bleu[0]).toBeGreaterThan(without.captions.bleu[0] ?? 0);
    expect(withImages.captions.rougeL).toBeGreaterThan(without.captions.rougeL);
    const lines = (await readFile(join(dir, 'features', 'test-captions.jsonl'), 'utf8'))
      .trim()
      .split('\n');
    expect(lines).toHaveLength(8);
    expect(JSON.parse(lines[0] ?? '{}').references).toHaveLength(5);
  });

  it('pSGLD keeps thinned samples, averages them for perplexity and captions', async () => {
    const args = [...withFeatures(), '--method', 'psgld', '--epochs', '4', '--samples', '3'];
    const sampled = await run(
      tiny('psgld', ...args, '--decode-samples', '2', '--temperature', '0.01'),
    );
    expect(sampled.code, sampled.err).toBe(0);
    const results = await readResults('psgld');
    expect(results.samples?.steps).toHaveLength(3);
    expect(results.samples?.averagedTestPerplexities.at(-1)).toBeCloseTo(
      results.test.perplexity,
      6,
    );
    expect(results.captions.models).toBe(2);
    // The last two samples alone, the ones the captions come from.
    expect(results.lastSamples?.count).toBe(2);
    expect(Number.isFinite(results.lastSamples?.test.perplexity ?? Number.NaN)).toBe(true);
    expect(Number.isFinite(results.lastIterate?.test.perplexity ?? Number.NaN)).toBe(true);
    const other = await run(tiny('psgld', ...args, '--resume', '--decode-samples', '3'));
    expect(other.code).toBe(1);
    expect(other.err).toContain('decodeSamples differ');
  });
});
