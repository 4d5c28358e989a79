import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { captureOutput } from '@bayesrnn/testing';
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { main } from './main.js';

/**
 * Two epochs of a small biLSTM on the real TREC (../shared/data/sentence_classification or
 * $BAYESRNN_DATA): the official 5,452 / 500 split, and a test error far below the 72.4 % of
 * always answering the commonest test class (DESC, 138 of 500). In CI the data must be there,
 * so a missing folder fails; elsewhere the test is skipped.
 */
const dataDir = process.env.BAYESRNN_DATA
  ? resolve(process.env.BAYESRNN_DATA, 'sentence_classification')
  : resolve(
      import.meta.dirname,
      '..',
      '..',
      '..',
      '..',
      'shared',
      'data',
      'sentence_classification',
    );
const present = existsSync(join(dataDir, 'TREC', 'TREC.train'));

describe.runIf(present || process.env.CI)('TREC, the real data', () => {
  it('trains on the official split and beats the majority class by far', {
    timeout: 600_000,
  }, async () => {
    expect(present, `TREC is missing from ${dataDir} (CI needs ../shared/data)`).toBe(true);
    const out = await mkdtemp(join(tmpdir(), 'bayesrnn-trec-'));
    const before = tf.memory().numTensors;
    try {
      const args = ['--dataset', 'TREC', '--data', dataDir, '--hidden', '16', '--embedding', '16'];
      args.push('--epochs', '2', '--lr', '0.01', '--backend', 'wasm', '--out', join(out, 'run'));
      const run = await captureOutput(() => main(['train', ...args]));
      expect(run.code, run.err).toBe(0);
      // The run frees its variables, evaluation tensors and samples: nothing is left behind.
      expect(tf.memory().numTensors).toBe(before);
      const results = JSON.parse(await readFile(join(out, 'run', 'results.json'), 'utf8'));
      // 10 % of the 5,452 training questions held out for validation.
      expect(results.counts).toEqual({ train: 4907, valid: 545, test: 500 });
      expect(results.test.error).toBeLessThan(30);
    } finally {
      await rm(out, { recursive: true, force: true });
    }
  });
});
