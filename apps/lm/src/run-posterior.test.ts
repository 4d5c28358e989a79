import { createKey } from '@bayesrnn/core';
import { createLanguageModel } from '@bayesrnn/models';
import type { SharpenedPosterior } from '@bayesrnn/posteriors';
import { checkLeaksAfterEachTest } from '@bayesrnn/testing';
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { createRunPosterior, posteriorConfigFor } from './run-posterior.js';

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

/** The names a run's sharpened posterior sharpens, its variables freed. */
function sharpenedNames(sharpen?: 'all' | 'recurrent'): readonly string[] {
  const config = posteriorConfigFor('bbb-sharpened', undefined, sharpen);
  const { posterior } = createRunPosterior(config, model, createKey(3));
  tf.dispose(Object.values(posterior.variables));
  return (posterior as SharpenedPosterior).sharpenedNames;
}

describe('--sharpen', () => {
  it('sharpens every Bayesian weight by default, and writes the config as before the option', () => {
    expect(posteriorConfigFor('bbb-sharpened')).toEqual({
      kind: 'sharpened',
      prior: expect.objectContaining({ kind: 'scale-mixture' }),
      sigma0: 0.02,
      etaInit: 1e-3,
    });
    const names = sharpenedNames();
    expect(names).toContain('embedding');
    expect(names).toContain('softmax/kernel');
    expect(names).not.toContain('softmax/bias'); // a point estimate, as in the official example
  });

  it('with recurrent, sharpens the LSTM layers’ weights only (and η exists for them alone)', () => {
    expect(posteriorConfigFor('bbb-sharpened', undefined, 'recurrent')).toMatchObject({
      sharpen: 'recurrent',
    });
    const names = sharpenedNames('recurrent');
    expect(names.length).toBeGreaterThan(0);
    expect(names.every((name) => name.startsWith('layers/'))).toBe(true);
    expect(names).toEqual(sharpenedNames().filter((name) => name.startsWith('layers/')));
    const config = posteriorConfigFor('bbb-sharpened', undefined, 'recurrent');
    const { posterior } = createRunPosterior(config, model, createKey(3));
    const etas = Object.keys(posterior.variables).filter((name) => name.endsWith('/eta'));
    tf.dispose(Object.values(posterior.variables));
    expect(etas).toEqual(names.map((name) => `${name}/eta`));
  });
});
