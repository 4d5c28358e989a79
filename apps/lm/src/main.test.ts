import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { checkLeaksAfterEachTest } from '@bayesrnn/testing';
import { beforeAll, describe, expect, it } from 'vitest';
import { run, useCorpusFolder } from './__fixtures__/command-line.js';

// Every command line, training runs included, must free every tensor it made.
checkLeaksAfterEachTest();
const corpus = useCorpusFolder();

// Whole training runs through the CLI on the cpu backend: minutes on a loaded 2-core machine.
describe('bayesrnn-lm command line', { timeout: 300_000 }, () => {
  let dir = '';
  beforeAll(() => {
    dir = corpus.path;
  });

  it('trains, writes results.json, evaluates with MC dropout and samples', async () => {
    const out = join(dir, 'run');
    const trained = await run([
      'train',
      '--preset',
      'tiny',
      '--method',
      'variational',
      '--data',
      dir,
      '--out',
      out,
      '--epochs',
      '6',
      '--mc',
      '3',
      '--backend',
      'cpu',
    ]);
    expect(trained.code).toBe(0);
    const results = JSON.parse(await readFile(join(out, 'results.json'), 'utf8'));
    expect(results).toMatchObject({
      method: 'variational',
      backend: 'cpu',
      mcSamples: 3,
      train: { epochs: 6 },
    });
    expect(results.valid.perplexity).toBeGreaterThan(1);
    // 24 types with the specials: uniform guessing scores 24; the learned patterns far less.
    expect(results.valid.perplexity).toBeLessThan(12);
    expect(results.valid.mcPerplexity).toBeGreaterThan(1);
    expect(results.tokensPerSecond).toBeGreaterThan(0);

    const evaluated = await run(['eval', '--run', out, '--split', 'valid', '--backend', 'cpu']);
    expect(evaluated.code).toBe(0);
    expect(JSON.parse(evaluated.out).valid.perplexity).toBeCloseTo(results.valid.perplexity, 3);

    const greedy = [
      'sample',
      '--run',
      out,
      '--prompt',
      'the',
      '--length',
      '12',
      '--temperature',
      '0',
      '--backend',
      'cpu',
    ];
    const sampled = await run(greedy);
    expect(sampled.code).toBe(0);
    expect(sampled.out.startsWith('the')).toBe(true);
    expect(sampled.out.split(/\s+/).length).toBeGreaterThan(3);
    const again = await run(greedy);
    expect(again.out).toBe(sampled.out);
  });

  it('trains bbb-sharpened, reports NLL and KL apart, reloads, prunes and measures entropy', async () => {
    const out = join(dir, 'bbb');
    const common = ['--data', dir, '--backend', 'cpu'];
    const trained = await run([
      'train',
      '--method',
      'bbb-sharpened',
      '--out',
      out,
      '--epochs',
      '2',
      '--prior',
      '0.5,0,-6',
      '--clip-eta',
      'apart',
      '--eta-clip-norm',
      '0.5',
      ...common,
    ]);
    expect(trained.code).toBe(0);
    const results = JSON.parse(await readFile(join(out, 'results.json'), 'utf8'));
    expect(results.method).toBe('bbb-sharpened');
    expect(results.train.nll).toBeGreaterThan(0);
    expect(results.train.kl).toBeGreaterThan(0);
    expect(results.train.sharpeningKl).toBeGreaterThan(0);
    const config = JSON.parse(await readFile(join(out, 'config.json'), 'utf8'));
    expect(config.posterior).toMatchObject({
      kind: 'sharpened',
      sigma0: 0.02,
      clipEta: 'apart',
      etaClipNorm: 0.5,
    });
    // With η clipped apart from the weights, the log has each group's norm.
    const logged = (await readFile(join(out, 'log.jsonl'), 'utf8')).split('\n');
    const step = JSON.parse(logged.find((line) => line.includes('"type":"step"')) ?? '{}');
    expect(Object.keys(step.gradientNorms)).toEqual(['weights', 'eta']);
    expect(step.gradientNorm).toBeCloseTo(
      Math.hypot(step.gradientNorms.weights, step.gradientNorms.eta),
      3,
    );
    expect(config.posterior.prior.pi).toBe(0.5);
    expect(config.posterior.prior.sigma1).toBeCloseTo(1, 12);
    expect(config.posterior.prior.sigma2).toBeCloseTo(Math.exp(-6), 12);
    expect(config.training.weightDecay).toBe(0);

    const evaluated = await run(['eval', '--run', out, '--split', 'valid', ...common.slice(2)]);
    expect(JSON.parse(evaluated.out).valid.perplexity).toBeCloseTo(results.valid.perplexity, 3);
    const sampled = await run([
      'eval',
      '--run',
      out,
      '--split',
      'valid',
      '--mc',
      '3',
      ...common.slice(2),
    ]);
    expect(JSON.parse(sampled.out).valid.perplexity).not.toBeCloseTo(results.valid.perplexity, 3);

    const pruned = await run(['prune', '--run', out, '--fractions', '0,0.5,1', ...common.slice(2)]);
    expect(pruned.code).toBe(0);
    const rows = JSON.parse(await readFile(join(out, 'prune.json'), 'utf8')).rows;
    expect(rows.map((row: { fraction: number }) => row.fraction)).toEqual([0, 0.5, 1]);
    expect(rows[0].perplexity).toBeCloseTo(results.valid.perplexity, 3);
    expect(rows[2].pruned).toBe(rows[2].total);

    const entropy = await run(['uncertainty', '--run', out, '--samples', '2', ...common.slice(2)]);
    expect(entropy.code).toBe(0);
    const report = JSON.parse(entropy.out);
    expect(report.samples).toBe(2);
    expect(report.test).toBeGreaterThan(0);
    // The reversed copy is other text: its entropy differs, over the same number of tokens.
    expect(report.reversed).toBeGreaterThan(0);
    expect(report.reversed).not.toBe(report.test);

    const bounded = await run([
      'eval',
      '--run',
      out,
      '--split',
      'valid',
      '--bound',
      ...common.slice(2),
    ]);
    const valid = JSON.parse(bounded.out).valid;
    expect(valid.perplexity).toBeCloseTo(results.valid.perplexity, 3);
    // Option (b): the data term at sharpened draws plus the sharpening KL each window pays.
    expect(valid.sharpenedBound.sharpeningKl).toBeGreaterThan(0);
    expect(valid.sharpenedBound.nll).toBeCloseTo(
      valid.sharpenedBound.dataNll + valid.sharpenedBound.sharpeningKl,
      9,
    );
    expect(valid.sharpenedBound.perplexity).toBeGreaterThan(1);
    // In minibatches of the training shape (the preset's evaluation batch may differ).
    expect(valid.sharpenedBound.batchSize).toBe(config.training.batchSize);
    const notSharpened = await run([
      'eval',
      '--run',
      join(dir, 'run'),
      '--bound',
      ...common.slice(2),
    ]);
    expect(notSharpened.code).toBe(2);
    expect(notSharpened.err).toContain('--bound applies to bbb-sharpened runs');

    const notBayesian = await run(['prune', '--run', join(dir, 'run'), ...common.slice(2)]);
    expect(notBayesian.code).toBe(2);
    expect(notBayesian.err).toContain('pruning needs a bbb run');

    const summary = await run(['posterior', '--run', out, ...common.slice(2)]);
    expect(summary.out).toContain('| softmax/kernel | 1152 |'); // 64 units × 18 words
    const written = JSON.parse(await readFile(join(out, 'posterior.json'), 'utf8'));
    expect(written.sigma0).toBe(0.02);
    const names = written.weights.map((weight: { name: string }) => weight.name);
    expect(names).toContain('embedding');
    expect(names).not.toContain('softmax/bias'); // a point estimate
    for (const weight of written.weights) expect(weight.eta.median).toBeGreaterThan(0);
    const plain = await run(['posterior', '--run', join(dir, 'run'), ...common.slice(2)]);
    expect(plain.code).toBe(2);
    expect(plain.err).toContain('it has no posterior to summarise');
  });

  it('samples with pSGLD + dropout and reports the averaged predictive beside the last sample', async () => {
    const out = join(dir, 'psgld');
    const common = ['--data', dir, '--backend', 'cpu'];
    const trained = await run([
      'train',
      '--method',
      'psgld',
      '--temperature',
      '0.5',
      '--dropout',
      'naive',
      '--out',
      out,
      '--epochs',
      '3',
      ...common,
    ]);
    expect(trained.code).toBe(0);
    const results = JSON.parse(await readFile(join(out, 'results.json'), 'utf8'));
    expect(results.method).toBe('psgld');
    // 1/4 of the steps as burn-in, then a sample every (3/4 of the steps) / 20 steps.
    expect(results.samples).toBeGreaterThan(5);
    expect(results.valid.lastSamplePerplexity).toBeGreaterThan(1);
    // Jensen: the averaged predictive's NLL is at most the samples' mean NLL (on this tiny run
    // early samples are poor, so the average need not beat the last sample).
    const curves = JSON.parse(await readFile(join(out, 'ensemble.json'), 'utf8'));
    const members: number[] = curves.valid.memberPerplexities;
    expect(members).toHaveLength(results.samples);
    const meanNll = members.reduce((sum, p) => sum + Math.log(p), 0) / members.length;
    expect(Math.log(results.valid.perplexity)).toBeLessThanOrEqual(meanNll);
    const config = JSON.parse(await readFile(join(out, 'config.json'), 'utf8'));
    expect(config.model.dropout).toMatchObject({ method: 'naive' });
    expect(config.training.temperature).toBe(0.5);
    const evaluated = JSON.parse(
      (await run(['eval', '--run', out, '--split', 'valid', ...common.slice(2)])).out,
    );
    expect(evaluated.valid.perplexity).toBeCloseTo(results.valid.perplexity, 6);
    expect(evaluated.valid.samples).toBe(results.samples);
    // --last K averages only the chain's last K samples: K = 1 is the last sample alone.
    const evalLast = async (k: number) =>
      JSON.parse(
        (
          await run([
            'eval',
            '--run',
            out,
            '--split',
            'valid',
            '--last',
            String(k),
            ...common.slice(2),
          ])
        ).out,
      );
    const lastOne = await evalLast(1);
    expect(lastOne.valid.samples).toBe(1);
    expect(lastOne.valid.perplexity).toBeCloseTo(results.valid.lastSamplePerplexity, 6);
    const lastThree = await evalLast(3);
    expect(lastThree.valid.sampleSteps).toEqual(evaluated.valid.sampleSteps.slice(-3));
    expect((await run(['eval', '--run', out, '--last', '0', ...common.slice(2)])).code).toBe(2);
  });

  it('refuses to overwrite a run unless asked to resume', async () => {
    const out = join(dir, 'twice');
    expect((await run(['train', '--data', dir, '--out', out, '--backend', 'cpu'])).code).toBe(0);
    const second = await run(['train', '--data', dir, '--out', out, '--backend', 'cpu']);
    expect(second.code).toBe(1);
    expect(
      (await run(['train', '--data', dir, '--out', out, '--resume', '--backend', 'cpu'])).code,
    ).toBe(0);
    // Resuming with other settings would continue a run that no longer matches its config.
    const other = await run([
      'train',
      '--data',
      dir,
      '--out',
      out,
      '--resume',
      '--epochs',
      '7',
      '--backend',
      'cpu',
    ]);
    expect(other.code).toBe(1);
    expect(other.err).toContain('training differ');
  });
});
