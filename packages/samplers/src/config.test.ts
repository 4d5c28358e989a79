import { checkLeaksAfterEachTest } from '@bayesrnn/testing';
import { describe, expect, it } from 'vitest';
import { DEFAULT_LANGEVIN_CONFIG } from './langevin-config.js';
import { createPsgld, DEFAULT_PSGLD_CONFIG } from './psgld.js';
import { createSghmc, DEFAULT_SGHMC_CONFIG } from './sghmc.js';
import { createSgld } from './sgld.js';

// Creating a sampler must make no tensors (it resolves and checks its config only).
checkLeaksAfterEachTest();

const FACTORIES = {
  SgldConfig: createSgld,
  PsgldConfig: createPsgld,
  SghmcConfig: createSghmc,
} as const;

describe.each(Object.entries(FACTORIES))('%s', (owner, create) => {
  it('fills in σ² = 1 and T = 1', () => {
    expect(create({ datasetSize: 7 }).config).toMatchObject({
      datasetSize: 7,
      ...DEFAULT_LANGEVIN_CONFIG,
    });
  });

  it.each([
    ['datasetSize', 0, '0'],
    ['datasetSize', -3, '-3'],
    ['datasetSize', Number.NaN, 'NaN'],
    ['datasetSize', Number.POSITIVE_INFINITY, 'Infinity'],
    ['priorVariance', 0, '0'],
    ['priorVariance', -1, '-1'],
    ['priorVariance', Number.NaN, 'NaN'],
    ['temperature', -0.5, '-0.5'],
    ['temperature', Number.POSITIVE_INFINITY, 'Infinity'],
  ])('refuses %s = %s with a RangeError naming both', (option, value, shown) => {
    const config = { datasetSize: 10, [option]: value };
    expect(() => create(config)).toThrow(RangeError);
    expect(() => create(config)).toThrow(`${owner}.${option}`);
    expect(() => create(config)).toThrow(`got ${shown}`);
  });
});

describe('sampler-specific config', () => {
  it('pSGLD defaults to β = 0.99, λ = 1e−8 and refuses β ∉ [0, 1), λ ≤ 0', () => {
    expect(createPsgld({ datasetSize: 1 }).config).toMatchObject(DEFAULT_PSGLD_CONFIG);
    expect(DEFAULT_PSGLD_CONFIG).toEqual({ beta: 0.99, lambda: 1e-8 });
    for (const beta of [1, -0.1, Number.NaN]) {
      expect(() => createPsgld({ datasetSize: 1, beta })).toThrow(
        new RangeError(`PsgldConfig.beta must be in [0, 1), got ${beta}`),
      );
    }
    for (const lambda of [0, -1e-8]) {
      expect(() => createPsgld({ datasetSize: 1, lambda })).toThrow(/PsgldConfig\.lambda.*got/);
    }
  });

  it('SGHMC defaults to α = 0.1 and refuses α ∉ (0, 1]', () => {
    expect(createSghmc({ datasetSize: 1 }).config.friction).toBe(DEFAULT_SGHMC_CONFIG.friction);
    expect(createSghmc({ datasetSize: 1, friction: 1 }).config.friction).toBe(1);
    for (const friction of [0, 1.5, Number.NaN]) {
      expect(() => createSghmc({ datasetSize: 1, friction })).toThrow(
        new RangeError(`SghmcConfig.friction must be in (0, 1], got ${friction}`),
      );
    }
  });

  it('accepts priorVariance = Infinity (no prior) and temperature 0', () => {
    const config = { datasetSize: 1, priorVariance: Infinity, temperature: 0 };
    expect(createSgld(config).config).toEqual(config);
  });
});
