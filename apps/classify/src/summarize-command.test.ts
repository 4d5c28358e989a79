import { describe, expect, it } from 'vitest';
import type { ClassifierResults } from './classifier-results.js';
import { summarize } from './summarize-command.js';

/** A results file reduced to what `summarize` reads. */
function result(config: Record<string, unknown>, test: number, last?: number): ClassifierResults {
  return {
    config: { dataset: 'TREC', method: 'psgld', seed: 1, fold: 0, temperature: 1, ...config },
    test: { error: test, nll: 0.5 },
    ...(last === undefined ? {} : { lastIterate: { test: { error: last, nll: 1 } } }),
  } as unknown as ClassifierResults;
}

describe('summarize', () => {
  it('pools seeds and folds of one arm, and labels arms that differ in a setting', () => {
    const rows = summarize([
      result({ seed: 1 }, 10, 12),
      result({ seed: 2, fold: 3 }, 12, 16),
      result({ seed: 1, temperature: 0.0004 }, 8, 9),
      result({ method: 'rmsprop', temperature: 1 }, 11),
      result({ method: 'rmsprop', temperature: undefined }, 13),
    ]);
    expect(rows.map((row) => [row.method, row.runs])).toEqual([
      ['psgld', 2],
      ['psgld (temperature 0.0004)', 1],
      ['rmsprop', 1],
      ['rmsprop (temperature default)', 1],
    ]);
    expect(rows[0]?.testError.mean).toBe(11);
    // Sample standard deviation of 10 and 12.
    expect(rows[0]?.testError.std).toBeCloseTo(Math.SQRT2, 12);
    expect(rows[0]?.lastIterateError).toEqual({ mean: 14, std: 2 * Math.SQRT2 });
    expect(rows[2]?.lastIterateError).toBeUndefined();
  });
});
