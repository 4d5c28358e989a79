import { createKey } from '@bayesrnn/core';
import { createLanguageModel } from '@bayesrnn/models';
import type { SharpenedPosterior } from '@bayesrnn/posteriors';
import { checkLeaksAfterEachTest } from '@bayesrnn/testing';
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { parseSharpenOption, posteriorConfigFromOptions } from './posterior-options.js';
import { clippingFor, createRunPosterior, type RunPosteriorConfig } from './run-posterior.js';

checkLeaksAfterEachTest();

const model = createLanguageModel({
  cell: 'lstm',
  vocabSize: 12,
  embeddingSize: 4,
  hiddenSize: 4,
  layers: 2,
  initScale: 0.1,
  forgetBias: 0,
  tiedEmbeddings: false,
  dropout: { method: 'none' },
});

/** The names a run's sharpened posterior sharpens, and its η variables' names; all freed. */
function sharpenedOf(config: RunPosteriorConfig): { names: readonly string[]; etas: string[] } {
  const { posterior } = createRunPosterior(config, model, createKey(3));
  const etas = Object.keys(posterior.variables).filter((name) => name.endsWith('/eta'));
  tf.dispose(Object.values(posterior.variables));
  return { names: (posterior as SharpenedPosterior).sharpenedNames, etas };
}

const sharpenedConfig = (value?: string) =>
  posteriorConfigFromOptions('bbb-sharpened', { sharpen: value });

describe('--sharpen', () => {
  it('sharpens every Bayesian weight by default, and writes the config as before the option', () => {
    expect(sharpenedConfig()).toEqual({
      kind: 'sharpened',
      prior: expect.objectContaining({ kind: 'scale-mixture' }),
      sigma0: 0.02,
      etaInit: 1e-3,
    });
    expect(sharpenedConfig('all')).toEqual(sharpenedConfig());
    const { names } = sharpenedOf(sharpenedConfig());
    expect(names).toContain('embedding');
    expect(names).toContain('softmax/kernel');
    expect(names).not.toContain('softmax/bias'); // a point estimate, as in the official example
  });

  it('with recurrent, sharpens the LSTM layers’ weights only (and η exists for them alone)', () => {
    expect(sharpenedConfig('recurrent')).toMatchObject({ sharpen: ['layers'] });
    const all = sharpenedOf(sharpenedConfig()).names;
    const { names, etas } = sharpenedOf(sharpenedConfig('recurrent'));
    expect(names.length).toBeGreaterThan(0);
    expect(names).toEqual(all.filter((name) => name.startsWith('layers/')));
    expect(etas).toEqual(names.map((name) => `${name}/eta`));
    // A run written by the option's first version says 'recurrent'.
    const legacy = { ...sharpenedConfig('recurrent'), sharpen: 'recurrent' } as RunPosteriorConfig;
    expect(sharpenedOf(legacy).names).toEqual(names);
  });

  it('takes a comma list of groups, in any order', () => {
    expect(parseSharpenOption('softmax, layers')).toEqual(['layers', 'softmax']);
    const { names } = sharpenedOf(sharpenedConfig('embedding,layers'));
    expect(names).toContain('embedding');
    expect(names).not.toContain('softmax/kernel');
    expect(names.some((name) => name.startsWith('layers/'))).toBe(true);
    expect(sharpenedOf(sharpenedConfig('softmax')).names).toEqual(['softmax/kernel']);
  });

  it('names the option and the groups when a group is unknown', () => {
    expect(() => parseSharpenOption('softmx')).toThrow(
      "--sharpen must be all, recurrent or a comma list of embedding, layers, softmax, got 'softmx'",
    );
    expect(() => parseSharpenOption('')).toThrow('--sharpen must be');
  });
});

describe('--sharpen-sigma0 and --sharpen-eta', () => {
  it('are stored in the run config and given to the sharpened posterior', () => {
    const config = posteriorConfigFromOptions('bbb-sharpened', {
      'sharpen-sigma0': '0.005',
      'sharpen-eta': '0',
      sharpen: 'softmax',
    });
    expect(config).toMatchObject({ kind: 'sharpened', sigma0: 0.005, etaInit: 0 });
    const { posterior } = createRunPosterior(config, model, createKey(3));
    const sharpened = posterior as SharpenedPosterior;
    expect(sharpened.config).toMatchObject({ sigma0: 0.005, etaInit: 0 });
    expect(Array.from(sharpened.variables['softmax/kernel/eta']?.dataSync() ?? [1])).toEqual(
      new Array(4 * 12).fill(0),
    );
    tf.dispose(Object.values(posterior.variables));
  });

  it('name the option when the value is bad or the method has no sharpening', () => {
    const bad =
      (values: Parameters<typeof posteriorConfigFromOptions>[1], method = 'bbb-sharpened') =>
      () =>
        posteriorConfigFromOptions(method as 'bbb-sharpened', values);
    expect(bad({ 'sharpen-sigma0': '0' })).toThrow(
      "--sharpen-sigma0 must be a number > 0, got '0'",
    );
    expect(bad({ 'sharpen-sigma0': 'Infinity' })).toThrow('--sharpen-sigma0 must be');
    expect(bad({ 'sharpen-eta': '-1' })).toThrow("--sharpen-eta must be a number ≥ 0, got '-1'");
    expect(bad({ 'sharpen-eta': '1e-3' }, 'bbb')).toThrow(
      '--sharpen-eta applies to bbb-sharpened, not --method bbb',
    );
    expect(bad({ 'sharpen-sigma0': '0.1' }, 'plain')).toThrow('--sharpen-sigma0 applies to');
  });
});

describe('--clip-eta and --eta-clip-norm', () => {
  it('clip in one group by default (no field written); apart puts η in a group of its own', () => {
    expect(clippingFor(sharpenedConfig())).toEqual({});
    const together = posteriorConfigFromOptions('bbb-sharpened', { 'clip-eta': 'together' });
    expect(together).toEqual(sharpenedConfig());
    const apart = posteriorConfigFromOptions('bbb-sharpened', { 'clip-eta': 'apart' });
    expect(apart).toMatchObject({ clipEta: 'apart' });
    const { clipGroups, groupClipNorms } = clippingFor(apart);
    expect(groupClipNorms).toBeUndefined(); // η at the run's clipNorm
    expect(clipGroups?.('softmax/kernel/eta')).toBe('eta');
    expect(clipGroups?.('layers/0/kernel/eta')).toBe('eta');
    expect(clipGroups?.('softmax/kernel/mu')).toBe('weights');
    expect(clipGroups?.('softmax/bias')).toBe('weights');
    expect(clippingFor(posteriorConfigFromOptions('bbb', {}))).toEqual({});
  });

  it('clip η at its own threshold with --eta-clip-norm', () => {
    const config = posteriorConfigFromOptions('bbb-sharpened', {
      'clip-eta': 'apart',
      'eta-clip-norm': '0.5',
    });
    expect(config).toMatchObject({ clipEta: 'apart', etaClipNorm: 0.5 });
    expect(clippingFor(config).groupClipNorms).toEqual({ eta: 0.5 });
  });

  it('name the option when the value is unknown, missing its partner or for a method with no η', () => {
    const parse = (values: Parameters<typeof posteriorConfigFromOptions>[1]) => () =>
      posteriorConfigFromOptions('bbb-sharpened', values);
    expect(parse({ 'clip-eta': 'sideways' })).toThrow(
      "--clip-eta must be one of together, apart, got 'sideways'",
    );
    expect(parse({ 'eta-clip-norm': '0.5' })).toThrow('--eta-clip-norm needs --clip-eta apart');
    expect(parse({ 'clip-eta': 'apart', 'eta-clip-norm': '-1' })).toThrow(
      "--eta-clip-norm must be a number > 0, got '-1'",
    );
    expect(() => posteriorConfigFromOptions('bbb', { 'clip-eta': 'apart' })).toThrow(
      '--clip-eta applies to bbb-sharpened, not --method bbb',
    );
  });
});
