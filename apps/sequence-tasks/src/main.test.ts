import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type CapturedRun, captureOutput } from '@bayesrnn/testing';
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from './main.js';

function run(argv: string[]): Promise<CapturedRun> {
  return captureOutput(() => main(argv));
}

let dir = '';
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'bayesrnn-sequence-tasks-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** A run small enough for the cpu backend: a few batches of 4, a held-out set of 8. */
const tiny = (out: string, iterations: number, ...rest: string[]) => [
  'gtmm',
  ...['--iterations', String(iterations), '--eval-every', '2', '--batch', '4'],
  ...['--held-out', '8', '--backend', 'cpu', '--out', join(dir, out), ...rest],
];

interface Results {
  readonly model: string;
  readonly task: string;
  readonly iterations: number;
  readonly heldOut: {
    readonly bound: number;
    readonly reconstruction: number;
    readonly kl: number;
    readonly recallKl: number;
    readonly klByStep: readonly number[];
  };
}

async function readResults(out: string): Promise<Results> {
  return JSON.parse(await readFile(join(dir, out, 'results.json'), 'utf8')) as Results;
}

describe('bayesrnn-sequence-tasks command line', { timeout: 300_000 }, () => {
  it('prints help, and names a bad flag or value with exit code 2', async () => {
    expect((await run(['--help'])).out).toContain('gtmm');
    expect((await run(['gtmm', '--help'])).out).toContain('--model NAME');
    expect((await run(['copy', '--help'])).out).toContain('--method NAME');
    const badModel = await run(['gtmm', '--model', 'gru']);
    expect(badModel.code).toBe(2);
    expect(badModel.err).toContain(
      "--model must be one of vrnn, introspective, ntm, lru, dnc, got 'gru'",
    );
    expect((await run(['gtmm', '--iterations', '0'])).err).toContain(
      '--iterations must be an integer ≥ 1',
    );
    expect((await run(['sort'])).code).toBe(2);
  });

  it('trains each memory model and writes the held-out per-frame KL by position', async () => {
    for (const model of ['vrnn', 'introspective', 'ntm', 'lru', 'dnc']) {
      const before = tf.memory().numTensors;
      const { code } = await run(tiny(model, 2, '--model', model, '--pre', '4', '--recall', '2'));
      expect(code, model).toBe(0);
      // The whole run, training and evaluations included, leaves no tensor behind.
      expect(tf.memory().numTensors, `${model}: tensors left`).toBe(before);
      const results = await readResults(model);
      expect(results.model).toBe(model);
      expect(results.iterations).toBe(2);
      expect(results.heldOut.klByStep).toHaveLength(6);
      const { bound, reconstruction, kl } = results.heldOut;
      expect(bound).toBeCloseTo(reconstruction + kl, 4);
      expect(kl).toBeGreaterThan(0);
    }
  });

  it('trains the copying problem with each credit-assignment method, and evaluates longer delays', async () => {
    for (const method of ['bptt', 'tbptt', 'sab']) {
      const args = ['--delay', '3', '--copy-length', '2', '--hidden', '8', '--truncation', '2'];
      const argv = tiny(`copy-${method}`, 2, '--method', method, ...args, '--transfer', '6');
      const before = tf.memory().numTensors;
      const { code } = await run(['copy', ...argv.slice(1)]);
      expect(code, method).toBe(0);
      expect(tf.memory().numTensors, `${method}: tensors left`).toBe(before);
      const results = JSON.parse(
        await readFile(join(dir, `copy-${method}`, 'results.json'), 'utf8'),
      );
      expect(results.method).toBe(method);
      expect(results.iterations).toBe(2);
      for (const scores of [results.heldOut, results.transfer['6']]) {
        expect(scores.copyAccuracy).toBeGreaterThanOrEqual(0);
        expect(scores.copyAccuracy).toBeLessThanOrEqual(1);
        expect(scores.copyCe).toBeGreaterThan(0);
      }
    }
    expect((await run(['copy', '--transfer', '40,x'])).err).toContain(
      '--transfer must be a comma-separated list',
    );
  });

  it('resumes a killed run where it stopped, with the same result as an unbroken one', async () => {
    const args = ['--task', 'parity-recall', '--pre', '3', '--recall', '2', '--seed', '5'];
    expect((await run(tiny('whole', 4, ...args))).code).toBe(0);
    expect((await run(tiny('split', 2, ...args))).code).toBe(0);
    expect((await run(tiny('split', 4, ...args, '--resume'))).code).toBe(0);
    const whole = await readResults('whole');
    const split = await readResults('split');
    expect(split.iterations).toBe(4);
    expect(split.heldOut.bound).toBeCloseTo(whole.heldOut.bound, 5);
  });
});
