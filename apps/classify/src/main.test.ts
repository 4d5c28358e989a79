import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type CapturedRun, captureOutput } from '@bayesrnn/testing';
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ClassifierResults } from './classifier-results.js';
import { main } from './main.js';

function run(argv: string[]): Promise<CapturedRun> {
  return captureOutput(() => main(argv));
}

let dir = '';
/**
 * A TREC-format set whose class is given by the question word (how many → NUM, who → HUM,
 * where → LOC, what → DESC), padded with filler words so the sentences differ in length.
 */
async function writeTinyTrec(root: string): Promise<void> {
  const cues = [
    ['NUM:count', 'how many'],
    ['HUM:ind', 'who is'],
    ['LOC:city', 'where is'],
    ['DESC:def', 'what is'],
  ] as const;
  const fillers = ['the', 'big', 'red', 'old', 'river', 'king', 'song', 'car', 'city', 'moon'];
  const lines = (count: number, offset: number) =>
    Array.from({ length: count }, (_, i) => {
      const [label, cue] = cues[i % cues.length] as (typeof cues)[number];
      const words = Array.from(
        { length: 2 + ((i * 7 + offset) % 6) },
        (_, k) => fillers[(i * 3 + k * 5 + offset) % fillers.length],
      );
      return `${label} ${cue} ${words.join(' ')} ?`;
    }).join('\n');
  await mkdir(join(root, 'TREC'), { recursive: true });
  await writeFile(join(root, 'TREC', 'TREC.train'), `${lines(160, 0)}\n`);
  await writeFile(join(root, 'TREC', 'TREC.test'), `${lines(40, 1)}\n`);
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'bayesrnn-classify-'));
  await writeTinyTrec(join(dir, 'data'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** A run small enough for the cpu backend. */
const tiny = (out: string, ...rest: string[]) => [
  'train',
  ...['--data', join(dir, 'data'), '--hidden', '8', '--embedding', '8', '--batch', '16'],
  ...['--backend', 'cpu', '--out', join(dir, out), ...rest],
];

async function readResults(out: string): Promise<ClassifierResults> {
  return JSON.parse(await readFile(join(dir, out, 'results.json'), 'utf8')) as ClassifierResults;
}

describe('bayesrnn-classify command line', { timeout: 300_000 }, () => {
  it('prints help, and names a bad flag or value with exit code 2', async () => {
    expect((await run(['--help'])).out).toContain('summarize');
    expect((await run(['train', '--help'])).out).toContain('--method NAME');
    const method = await run(['train', '--method', 'adam']);
    expect(method.code).toBe(2);
    expect(method.err).toContain('--method must be one of rmsprop, rmsprop-dropout');
    const fold = await run(['train', '--fold', '10']);
    expect(fold.code).toBe(2);
    expect(fold.err).toContain('--fold must be < --folds (10), got 10');
    const temperature = await run(['train', '--temperature', '0.1']);
    expect(temperature.code).toBe(2);
    expect(temperature.err).toContain('--temperature applies to psgld and psgld-dropout');
    const missing = await run(['train', '--dataset', 'MR', '--data', join(dir, 'data')]);
    expect(missing.code).toBe(1);
    expect(missing.err).toContain('MR not found: no MR/ folder in');
  });

  it('learns the question-word rule with RMSprop and leaves no tensor behind', async () => {
    const before = tf.memory().numTensors;
    const trained = await run(tiny('rmsprop', '--epochs', '12', '--lr', '0.01'));
    expect(trained.code, trained.err).toBe(0);
    expect(tf.memory().numTensors).toBe(before);
    const results = await readResults('rmsprop');
    expect(results.counts).toEqual({ train: 144, valid: 16, test: 40 });
    expect(results.testSplit).toBe('official');
    expect(results.classes).toEqual(['ABBR', 'DESC', 'ENTY', 'HUM', 'LOC', 'NUM']);
    // Chance is 75 % error over the four classes used; the cue word decides the class.
    expect(results.test.error).toBeLessThan(10);
    expect(results.best?.metric).toBe('error');
    expect(results.sentencesPerSecond).toBeGreaterThan(0);
    // Resuming a finished run with other settings is refused, naming them.
    const other = await run(tiny('rmsprop', '--epochs', '3', '--lr', '0.01', '--resume'));
    expect(other.code).toBe(1);
    expect(other.err).toContain('epochs differ');
  });

  it('pSGLD keeps thinned samples and reports their average beside the last iterate', async () => {
    const before = tf.memory().numTensors;
    const args = ['--method', 'psgld-dropout', '--epochs', '4', '--samples', '3', '--mc', '2'];
    args.push('--temperature', '0.01');
    const sampled = await run(tiny('psgld', ...args));
    expect(sampled.code, sampled.err).toBe(0);
    expect(tf.memory().numTensors).toBe(before);
    const results = await readResults('psgld');
    expect(results.samples?.steps).toHaveLength(3);
    expect(results.samples?.averagedTestErrors.at(-1)).toBeCloseTo(results.test.error, 6);
    expect(results.lastIterate?.test.error).toBeGreaterThanOrEqual(0);
    expect(results.mc?.passes).toBe(2);
    for (const value of [results.test.nll, results.valid.nll, results.mc?.test.nll ?? NaN])
      expect(Number.isFinite(value)).toBe(true);
    // Calibration of the averaged predictive: Brier in [0, 2], ECE in [0, 100] %.
    expect(results.test.brier).toBeGreaterThanOrEqual(0);
    expect(results.test.brier).toBeLessThanOrEqual(2);
    expect(results.test.ece).toBeGreaterThanOrEqual(0);
    expect(results.test.ece).toBeLessThanOrEqual(100);

    const summary = await run(['summarize', join(dir, 'rmsprop'), join(dir, 'psgld'), '--json']);
    expect(summary.code, summary.err).toBe(0);
    const rows = JSON.parse(summary.out);
    expect(rows.map((row: { method: string }) => row.method)).toEqual(['rmsprop', 'psgld-dropout']);
    expect(rows[1].lastIterateError.mean).toBeCloseTo(results.lastIterate?.test.error ?? NaN, 6);
    const table = await run(['summarize', join(dir, 'psgld')]);
    expect(table.out).toContain('| TREC | psgld-dropout | 1 |');
    expect((await run(['summarize'])).code).toBe(2);
  });
});
