import { createKey } from '@bayesrnn/core';
import { createLanguageModel } from '@bayesrnn/models';
import type { SharpenedPosterior } from '@bayesrnn/posteriors';
import { checkLeaksAfterEachTest } from '@bayesrnn/testing';
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import {
  createRunPosterior,
  parseSharpenOption,
  posteriorConfigFor,
  type RunPosteriorConfig,
} from './run-posterior.js';

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
  posteriorConfigFor(
    'bbb-sharpened',
    undefined,
    value === undefined ? undefined : parseSharpenOption(value),
  );

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
