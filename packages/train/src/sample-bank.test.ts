import { cp, mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createKey, foldIn, randomNormal } from '@bayesrnn/core';
import type { RngKey, Sampler, Weights } from '@bayesrnn/spec';
import { expectNoLeaks } from '@bayesrnn/testing';
import * as tf from '@tensorflow/tfjs-core';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createSampleBank, openSampleBank, thinnedSampleBank } from './sample-bank.js';
import { createSamplerOptimizer } from './sampler-optimizer.js';
import { createTinyTask } from './tiny-tasks.fixture.js';
import { train } from './train.js';
import type { TrainOptions } from './train-config.js';

let root = '';
beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'bayesrnn-bank-'));
});
afterEach(async () => {
  await rm(root, { recursive: true, force: true });
});

/** A Langevin-style transition written here (samplers live in another package): θ − ηg + 0.01ξ. */
const noisyDescent: Sampler<string, { position: Weights }> = {
  init: (weights) => ({
    position: Object.fromEntries(Object.entries(weights).map(([n, w]) => [n, tf.clone(w)])),
  }),
  step: (state, gradient, key: RngKey, stepSize) => ({
    position: Object.fromEntries(
      Object.entries(state.position).map(([name, theta]) => [
        name,
        tf.tidy(() =>
          tf.add(
            tf.sub(theta, tf.mul(gradient[name] as tf.Tensor, stepSize)),
            tf.mul(randomNormal(foldIn(key, name), theta.shape), 0.01),
          ),
        ),
      ]),
    ),
  }),
  position: (state) => state.position,
};

/** 2 epochs × 5 windows = 10 steps; burn-in 3, a sample every 2 steps → steps 5, 7, 9. */
const options = (outDir: string, maxSamples = Infinity): TrainOptions => ({
  key: createKey(3),
  outDir,
  epochs: 2,
  optimizer: createSamplerOptimizer(noisyDescent, 'noisy-descent'),
  learningRate: 0.05,
  checkpointEvery: 3,
  restoreBest: false,
  onProgress: false,
  monitor: { metric: 'mse' },
  sampleBank: { burnIn: 3, thinning: 2, maxSamples },
});

async function bankBits(dir: string): Promise<{ steps: readonly number[]; bits: number[][] }> {
  const bank = await openSampleBank(dir);
  const bits: number[][] = [];
  for (let i = 0; i < bank.steps().length; i += 1) {
    const weights = await bank.load(i);
    for (const name of Object.keys(weights).sort()) {
      bits.push(
        Array.from(new Uint32Array((weights[name] as tf.Tensor).dataSync().slice().buffer)),
      );
    }
    tf.dispose(Object.values(weights));
  }
  return { steps: bank.steps(), bits };
}

describe('sample bank', () => {
  it('keeps exactly the steps burn-in and thinning select, each the iterate of its step', async () => {
    const task = createTinyTask({ windowsPerEpoch: 5 });
    const values: Record<number, number[]> = {};
    const result = await train(task, {
      ...options(join(root, 'run')),
      onLog: (record) => {
        if (record.type === 'step') {
          values[record.step as number] = Object.values(task.variables).flatMap((v) =>
            Array.from(v.dataSync()),
          );
        }
      },
      logEvery: 1,
    });
    expect(result.samples?.steps).toEqual([5, 7, 9]);
    const bank = await openSampleBank(join(root, 'run', 'samples'));
    const sample = await bank.load(1);
    const flat = Object.keys(task.variables).flatMap((name) =>
      Array.from((sample[name] as tf.Tensor).dataSync()),
    );
    expect(flat).toEqual(values[7]);
    tf.dispose(Object.values(sample));
  });

  it('keeps the most recent maxSamples, deleting the rest only after a checkpoint', async () => {
    const result = await train(
      createTinyTask({ windowsPerEpoch: 5 }),
      options(join(root, 'run'), 2),
    );
    expect(result.samples?.steps).toEqual([7, 9]);
    expect((await readdir(join(root, 'run', 'samples'))).length).toBe(2);
  });

  it('a stopped and resumed chain keeps the same samples, bit for bit', async () => {
    const whole = join(root, 'whole');
    await train(createTinyTask({ windowsPerEpoch: 5 }), options(whole));
    const broken = join(root, 'broken');
    // Stop at step 8 (checkpointed there), then fake a kill after step 9's sample: a sample
    // past the checkpoint, with the wrong content (step 7's). Resume must drop and retake it.
    await train(createTinyTask({ windowsPerEpoch: 5 }), { ...options(broken), stopAfterSteps: 8 });
    await cp(join(broken, 'samples', 'step-00000007'), join(broken, 'samples', 'step-00000009'), {
      recursive: true,
    });
    const resumed = await train(createTinyTask({ windowsPerEpoch: 5 }), {
      ...options(broken),
      resume: true,
    });
    expect(resumed.samples?.steps).toEqual([5, 7, 9]);
    expect(await bankBits(join(broken, 'samples'))).toEqual(await bankBits(join(whole, 'samples')));
  });

  it('in memory: holds clones, releases them on dispose, and rejects bad options', async () => {
    const variables = { w: tf.variable(tf.tensor1d([1, 2])) };
    await expectNoLeaks(async () => {
      const bank = createSampleBank(join(root, 'mem'), {
        burnIn: 0,
        thinning: 1,
        keepInMemory: true,
      });
      await bank.restore(0);
      await bank.collect(1, variables);
      const loaded = await bank.load(0);
      expect(Array.from(loaded.w?.dataSync() ?? [])).toEqual([1, 2]);
      tf.dispose(Object.values(loaded));
      bank.dispose();
    });
    expect(() => createSampleBank(root, { burnIn: -1, thinning: 1 })).toThrow(/burnIn/);
    expect(() => createSampleBank(root, { burnIn: 0, thinning: 0 })).toThrow(/thinning/);
    variables.w.dispose();
  });

  it('thinned collection: a quarter burn-in, then the samples evenly spaced', () => {
    expect(thinnedSampleBank(1000)).toEqual({ burnIn: 250, thinning: 37 });
    expect(thinnedSampleBank(1000, { burnIn: 100, samples: 10 })).toEqual({
      burnIn: 100,
      thinning: 90,
    });
    // Fewer steps than samples: one every step.
    expect(thinnedSampleBank(8, { burnIn: 2 })).toEqual({ burnIn: 2, thinning: 1 });
    expect(() => thinnedSampleBank(10, { burnIn: 10 })).toThrow(
      /burnIn must be an integer in \[0, 10\)/,
    );
    expect(() => thinnedSampleBank(10, { samples: 0 })).toThrow(/samples must be an integer ≥ 1/);
  });
});
